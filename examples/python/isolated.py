# Mutates module-level globals in every call: each call still sees them as the zygote left them.
import faasm

calls = 0
seen = []


def main():
    global calls
    calls += 1
    seen.append(faasm.get_input())
    faasm.set_output("calls=%d seen=%d" % (calls, len(seen)))
