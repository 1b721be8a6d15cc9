package io.jfaasm.runtime.compiler;

import com.dylibso.chicory.compiler.InterpreterFallback;
import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.WasmModule;
import io.jfaasm.runtime.memory.LinearMemory;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A module compiled by this tier, shared by all its instances: the generated class, which
 * functions it runs, and (built only when needed, once) Chicory's compiled code for the rest.
 * {@link #machineFactory()} plugs into {@code Instance.builder(..).withMachineFactory}.
 */
public final class JfaasmCode {
    private static final Logger LOG = LoggerFactory.getLogger(JfaasmCode.class);

    private final WasmModule module;
    private final ModuleCompiler.Result result;
    private final Supplier<Function<Instance, Machine>> chicoryFactory;
    private volatile Function<Instance, Machine> fallbackFactory;

    private JfaasmCode(WasmModule module, ModuleCompiler.Result result,
            Supplier<Function<Instance, Machine>> chicoryFactory) {
        this.module = module;
        this.result = result;
        this.chicoryFactory = chicoryFactory;
    }

    /**
     * Compiles the module.
     *
     * @param chicoryFactory gives Chicory's compiled machines for this module (e.g. through the code
     *     cache), asked once, only if some function falls back; null to compile them here
     */
    public static JfaasmCode compile(WasmModule module,
            Supplier<Function<Instance, Machine>> chicoryFactory) {
        ModuleCompiler.Result r = ModuleCompiler.compile(module);
        JfaasmCode code = new JfaasmCode(module, r, chicoryFactory);
        int total = r.compiled().length - r.importedFunctions();
        if (!r.fallbackReasons().isEmpty()) {
            LOG.info("jfaasm tier: {} of {} functions compiled; {} run on Chicory's compiler: {}",
                    total - r.fallbackReasons().size(), total, r.fallbackReasons().size(),
                    summary(r.fallbackReasons()));
        }
        return code;
    }

    private static String summary(Map<Integer, String> reasons) {
        StringBuilder sb = new StringBuilder();
        int n = 0;
        for (Map.Entry<Integer, String> e : reasons.entrySet()) {
            if (n++ == 8) {
                sb.append(", ...");
                break;
            }
            sb.append(n > 1 ? ", " : "").append("function ").append(e.getKey()).append(" (")
                    .append(e.getValue()).append(')');
        }
        return sb.toString();
    }

    /** Machines for instances of this module. Instances must use a {@link LinearMemory}. */
    public Function<Instance, Machine> machineFactory() {
        if (result.chunks() == null) {
            return fallbackFactory();
        }
        return instance -> {
            if (instance.module().memorySection().map(s -> s.memoryCount()).orElse(0) > 0
                    && !(instance.memory() instanceof LinearMemory)) {
                return fallbackFactory().apply(instance); // the tier reads memory as a segment
            }
            return new JfaasmMachine(instance, this);
        };
    }

    Function<Instance, Machine> fallbackFactory() {
        Function<Instance, Machine> f = fallbackFactory;
        if (f == null) {
            synchronized (this) {
                f = fallbackFactory;
                if (f == null) {
                    f = chicoryFactory != null ? chicoryFactory.get() : MachineFactoryCompiler.builder(module)
                            .withInterpreterFallback(InterpreterFallback.WARN).compile();
                    fallbackFactory = f;
                }
            }
        }
        return f;
    }

    /** The generated entry for a function this tier compiled. */
    ModuleCode code(int funcId) {
        return result.chunkOf(funcId);
    }

    boolean needsFallback() {
        return !result.fallbackReasons().isEmpty();
    }

    int importedFunctions() {
        return result.importedFunctions();
    }

    boolean isCompiled(int funcId) {
        return result.compiled()[funcId];
    }

    /** Functions defined by the module. */
    public int definedFunctions() {
        return result.compiled().length - result.importedFunctions();
    }

    /** Functions this tier compiled. */
    public int compiledFunctions() {
        return definedFunctions() - result.fallbackReasons().size();
    }

    /** Function index to why it runs on Chicory's compiler instead. */
    public Map<Integer, String> fallbackReasons() {
        return result.fallbackReasons();
    }

    /** The generated class files by internal name, for inspection ({@code javap}); empty when nothing compiled. */
    public Map<String, byte[]> classFiles() {
        return result.classFiles();
    }
}
