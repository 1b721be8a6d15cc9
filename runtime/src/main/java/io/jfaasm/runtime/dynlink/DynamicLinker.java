package io.jfaasm.runtime.dynlink;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.runtime.GlobalInstance;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportMemory;
import com.dylibso.chicory.runtime.ImportTable;
import com.dylibso.chicory.runtime.ImportGlobal;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.TableInstance;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.Export;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.Import;
import com.dylibso.chicory.wasm.types.MutabilityType;
import com.dylibso.chicory.wasm.types.OpCode;
import com.dylibso.chicory.wasm.types.Value;
import io.jfaasm.runtime.host.DynamicLoading;
import io.jfaasm.runtime.memory.LinearMemory;
import io.jfaasm.runtime.wasm.CompiledModule;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads libraries into one Faaslet for one call, as a dynamic linker does for native code: the
 * library's instance imports the caller's memory and function table, its data lands in pages
 * grown from the caller's memory, its functions in slots grown from the caller's table, and its
 * imports resolve against the caller's exports and the host interface.
 *
 * <p>Nothing survives the call: the Faaslet that loaded a library is not reused
 * ({@link #linked()}). Its memory would go back to the snapshot anyway, but its table holds
 * references to the library's instance that a reset does not see.
 */
public final class DynamicLinker implements DynamicLoading {
    /** A stack of its own for a library that imports {@code __stack_pointer}. */
    static final int LIBRARY_STACK_BYTES = 64 * 1024;
    private static final int PAGE = 65536;

    private final Libraries libraries;
    private final CompiledModule callerModule;
    private final Instance caller;
    private final LinearMemory memory;
    private final List<HostFunction> hostFunctions;
    /** The host functions by "module.name", built at the first library load: most calls load none. */
    private Map<String, HostFunction> hostFunctionsByName;
    private final Map<Integer, Loaded> handles = new HashMap<>();
    private int nextHandle = 1;
    private String error;
    private boolean linked;

    /** One library in this call: its instance, where it lives, and the slots it owns. */
    private static final class Loaded {
        final String name;
        final Instance instance;
        final int memoryBase;
        final List<Integer> slots = new ArrayList<>();
        final Map<String, Integer> symbolSlots = new HashMap<>();
        int opens = 1;

        Loaded(String name, Instance instance, int memoryBase) {
            this.name = name;
            this.instance = instance;
            this.memoryBase = memoryBase;
        }
    }

    /**
     * @param hostFunctions the caller's own host functions (Faasm ABI and WASI), which a library
     *     may import too
     */
    public DynamicLinker(Libraries libraries, CompiledModule callerModule, Instance caller,
            LinearMemory memory, List<HostFunction> hostFunctions) {
        this.libraries = libraries == null ? Libraries.NONE : libraries;
        this.callerModule = callerModule;
        this.caller = caller;
        this.memory = memory;
        this.hostFunctions = hostFunctions;
    }

    /** Whether this call loaded (or began to load) a library: then its Faaslet must not be reused. */
    public boolean linked() {
        return linked;
    }

    @Override
    public int open(String name) {
        for (Map.Entry<Integer, Loaded> e : handles.entrySet()) {
            if (e.getValue().name.equals(name)) {
                e.getValue().opens++;
                return e.getKey();
            }
        }
        try {
            SideModule library = libraries.find(name);
            if (library == null) {
                return fail("library " + name + " not found (a function may open only libraries"
                        + " uploaded by its own user)");
            }
            Loaded loaded = load(library);
            int handle = nextHandle++;
            handles.put(handle, loaded);
            return handle;
        } catch (LibraryException e) {
            return fail(e.getMessage());
        } catch (java.io.UncheckedIOException e) {
            return fail(e.getMessage() + ": " + e.getCause().getMessage());
        }
    }

    @Override
    public int symbol(int handle, String name) {
        Loaded lib = handles.get(handle);
        if (lib == null) {
            return fail("invalid handle " + handle);
        }
        Export export = export(lib.instance.module(), name);
        if (export == null) {
            return fail("undefined symbol " + name + " in library " + lib.name);
        }
        if (export.exportType() == ExternalType.GLOBAL) {
            // A data symbol: the global holds its offset from the library's memory base.
            return lib.memoryBase + (int) lib.instance.global((int) export.index()).getValue();
        }
        if (export.exportType() != ExternalType.FUNCTION) {
            return fail("symbol " + name + " in library " + lib.name + " is not a function or data");
        }
        Integer slot = lib.symbolSlots.get(name);
        if (slot == null) {
            try {
                slot = growTable(1, lib.name);
            } catch (LibraryException e) {
                return fail(e.getMessage());
            }
            table().setRef(slot, (int) export.index(), lib.instance);
            lib.slots.add(slot);
            lib.symbolSlots.put(name, slot);
        }
        return slot;
    }

    @Override
    public int close(int handle) {
        Loaded lib = handles.get(handle);
        if (lib == null) {
            fail("invalid handle " + handle);
            return -1;
        }
        if (--lib.opens == 0) {
            // Its function pointers die with it: a call through one traps instead of running a
            // closed library. Its memory stays until the call ends (pointers into it may remain).
            for (int slot : lib.slots) {
                table().setRef(slot, Value.REF_NULL_VALUE, null);
            }
            handles.remove(handle);
        }
        return 0;
    }

    @Override
    public String takeError() {
        String e = error;
        error = null;
        return e;
    }

    private int fail(String message) {
        error = message;
        return 0;
    }

    // ---- loading -------------------------------------------------------------------------------

    private TableInstance table() {
        if (caller.tableCount() == 0) {
            throw new LibraryException("the calling function has no function table: link it with"
                    + " -Wl,--growable-table");
        }
        return caller.table(0);
    }

    private Loaded load(SideModule library) {
        String name = library.name();
        // From here on the library may touch the caller's table (its start code may even
        // table.set over the caller's slots): the Faaslet must not be reused after this call.
        linked = true;
        SideModule.Compiled compiled = library.compiledFor(callerModule);
        WasmModule module = compiled.module();
        TableInstance table = table();

        int memoryBase = allocateMemory(library);
        int tableBase = table.size();
        int pad = padding(tableBase, library.tableAlignLog2());
        if (library.tableSize() + pad > 0) {
            tableBase = growTable(library.tableSize() + pad, name) + pad;
        }

        ImportValues.Builder imports = ImportValues.builder()
                .addMemory(new ImportMemory("env", "memory", memory))
                .addTable(new ImportTable("env", "__indirect_function_table", table))
                .addGlobal(new ImportGlobal("env", "__memory_base", new GlobalInstance(Value.i32(memoryBase))))
                .addGlobal(new ImportGlobal("env", "__table_base", new GlobalInstance(Value.i32(tableBase))));
        if (library.needsStack()) {
            int top = memoryBase + (int) align(library.memSize(), 16) + LIBRARY_STACK_BYTES;
            imports.addGlobal(new ImportGlobal("env", "__stack_pointer",
                    new GlobalInstance(Value.i32(top), MutabilityType.Var)));
        }
        List<Integer> owned = new ArrayList<>();
        for (int s = tableBase; s < tableBase + library.tableSize(); s++) {
            owned.add(s);
        }
        // Slots for the library's own functions whose address it takes (GOT.func): reserved now,
        // because its relocations read them at instantiation; filled once the instance exists.
        Map<Integer, Integer> ownFunctionSlots = new LinkedHashMap<>();
        for (int i = 0; i < module.importSection().importCount(); i++) {
            Import imp = module.importSection().getImport(i);
            switch (imp.module()) {
                case "GOT.func" -> {
                    Export own = export(module, imp.name());
                    int slot;
                    if (own != null && own.exportType() == ExternalType.FUNCTION) {
                        slot = growTable(1, name);
                        ownFunctionSlots.put(slot, (int) own.index());
                        owned.add(slot);
                    } else {
                        slot = callerFunctionSlot(imp.name(), name);
                    }
                    imports.addGlobal(got(imp, slot));
                }
                case "GOT.mem" -> imports.addGlobal(got(imp, dataAddress(module, imp.name(), memoryBase, name)));
                case "env", "wasi_snapshot_preview1" -> {
                    if (imp instanceof FunctionImport f) {
                        imports.addFunction(resolveFunction(f, module.typeSection().getType(f.typeIndex()), name));
                    }
                }
                default -> { }
            }
        }

        Instance instance;
        try {
            instance = Instance.builder(module)
                    .withMachineFactory(compiled.factory())
                    .withImportValues(imports.build())
                    .withStart(false)
                    .build();
        } catch (ChicoryException e) {
            rethrowIfFatal(e);
            throw new LibraryException(name + " failed to load: " + e.getMessage(), e);
        }
        for (Map.Entry<Integer, Integer> e : ownFunctionSlots.entrySet()) {
            table.setRef(e.getKey(), e.getValue(), instance);
        }
        Loaded loaded = new Loaded(name, instance, memoryBase);
        loaded.slots.addAll(owned);
        if (export(module, "__wasm_call_ctors") != null) {
            try {
                instance.export("__wasm_call_ctors").apply();
            } catch (ChicoryException e) {
                rethrowIfFatal(e);
                for (int slot : owned) {
                    table.setRef(slot, Value.REF_NULL_VALUE, null);
                }
                throw new LibraryException(name + ": its constructors trapped: " + e.getMessage(), e);
            }
        }
        return loaded;
    }

    /** Grows the caller's memory for the library's data (and stack); returns its base. */
    private int allocateMemory(SideModule library) {
        long bytes = align(library.memSize(), 16) + (library.needsStack() ? LIBRARY_STACK_BYTES : 0);
        long pages = (bytes + PAGE - 1) / PAGE;
        long base = (long) memory.pages() * PAGE;
        long free = memory.maximumPages() - memory.pages();
        if (pages > free || base + bytes > 0x7FFF_FFFFL) {
            throw new LibraryException(library.name() + " needs " + bytes + " bytes of memory, but only "
                    + free * PAGE + " remain under the function's memory limit");
        }
        if (pages > 0) {
            memory.grow((int) pages);
        }
        return (int) base;
    }

    /** Grows the caller's table; returns the first new slot. */
    private int growTable(int n, String name) {
        TableInstance table = table();
        if ((long) table.size() + n > table.limits().max() || table.size() + (long) n > Integer.MAX_VALUE) {
            throw new LibraryException(name + ": the calling function's table cannot grow (link the"
                    + " function with -Wl,--growable-table)");
        }
        int at = table.grow(n, Value.REF_NULL_VALUE, null);
        if (at < 0) {
            throw new LibraryException(name + ": the calling function's table cannot grow (link the"
                    + " function with -Wl,--growable-table)");
        }
        return at;
    }

    /** A slot of the caller's table holding its exported function {@code symbol}. */
    private int callerFunctionSlot(String symbol, String library) {
        Export e = export(callerModule.module(), symbol);
        if (e == null || e.exportType() != ExternalType.FUNCTION) {
            throw new LibraryException(library + ": undefined symbol " + symbol
                    + " (the function must export it)");
        }
        int function = (int) e.index();
        TableInstance table = table();
        for (int i = 0; i < table.size(); i++) {
            Instance owner = table.instance(i);
            if (table.ref(i) == function && (owner == null || owner == caller)) {
                return i;
            }
        }
        int slot = growTable(1, library);
        table.setRef(slot, function, caller);
        return slot;
    }

    /** The address of data symbol {@code symbol}: the library's own, else the caller's export. */
    private int dataAddress(WasmModule module, String symbol, int memoryBase, String library) {
        Export own = export(module, symbol);
        if (own != null && own.exportType() == ExternalType.GLOBAL) {
            int imported = module.importSection().count(ExternalType.GLOBAL);
            int index = (int) own.index() - imported;
            if (index >= 0) {
                var init = module.globalSection().getGlobal(index).initInstructions();
                if (!init.isEmpty() && init.get(0).opcode() == OpCode.I32_CONST) {
                    return memoryBase + (int) init.get(0).operand(0);
                }
            }
            throw new LibraryException(library + ": data symbol " + symbol + " has no constant address");
        }
        Export theirs = export(callerModule.module(), symbol);
        if (theirs != null && theirs.exportType() == ExternalType.GLOBAL) {
            return (int) caller.global((int) theirs.index()).getValue();
        }
        throw new LibraryException(library + ": undefined symbol " + symbol
                + " (neither the library nor the function defines it)");
    }

    /** A host function of the Faaslet, else an export of the caller, with the type imported. */
    private HostFunction resolveFunction(FunctionImport f, FunctionType wanted, String library) {
        String full = f.module() + "." + f.name();
        HostFunction host = hostFunctionsByName().get(full);
        if (host != null) {
            if (!host.functionType().equals(wanted)) {
                throw new LibraryException(library + ": imports " + full + " as " + wanted
                        + " but the host provides " + host.functionType());
            }
            return host;
        }
        Export e = f.module().equals("env") ? export(callerModule.module(), f.name()) : null;
        if (e == null || e.exportType() != ExternalType.FUNCTION) {
            throw new LibraryException(library + ": undefined symbol " + f.name()
                    + " (neither the host nor the function provides it)");
        }
        FunctionType theirs = caller.type(caller.functionType((int) e.index()));
        if (!theirs.equals(wanted)) {
            throw new LibraryException(library + ": imports " + f.name() + " as " + wanted
                    + " but the function exports it as " + theirs);
        }
        var target = caller.export(f.name());
        return new HostFunction(f.module(), f.name(), wanted, (inst, args) -> target.apply(args));
    }

    private static ImportGlobal got(Import imp, int value) {
        return new ImportGlobal(imp.module(), imp.name(), new GlobalInstance(Value.i32(value), MutabilityType.Var));
    }

    private static Export export(WasmModule module, String name) {
        var exports = module.exportSection();
        for (int i = 0; i < exports.exportCount(); i++) {
            if (exports.getExport(i).name().equals(name)) {
                return exports.getExport(i);
            }
        }
        return null;
    }

    /** Interruption (the deadline) and stack exhaustion end the call, not just the dlopen. */
    private static void rethrowIfFatal(ChicoryException e) {
        if (e instanceof ChicoryInterruptedException) {
            throw e;
        }
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof StackOverflowError || "call stack exhausted".equals(c.getMessage())) {
                throw e;
            }
        }
    }

    private static long align(long n, int to) {
        return (n + to - 1) / to * to;
    }

    private static int padding(int at, int alignLog2) {
        int a = 1 << alignLog2;
        return (a - at % a) % a;
    }

    private Map<String, HostFunction> hostFunctionsByName() {
        if (hostFunctionsByName == null) {
            hostFunctionsByName = new HashMap<>();
            for (HostFunction f : hostFunctions) {
                hostFunctionsByName.put(f.module() + "." + f.name(), f);
            }
        }
        return hostFunctionsByName;
    }
}
