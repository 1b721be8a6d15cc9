# Fails at import: the function's initialisation fails with the traceback.
import faasm

def main(:
    pass
