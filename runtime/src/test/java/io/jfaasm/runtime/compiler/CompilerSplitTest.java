package io.jfaasm.runtime.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.WasmModule;
import io.jfaasm.runtime.memory.LinearMemory;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Functions far over HotSpot's 8,000-byte method limit (big/big.wasm, from gen_big.py): 30,000
 * instructions of straight-line code, and a bytecode interpreter whose dispatch loop branches into
 * 256 nested case blocks; and a loop whose body is one straight run of 96 memory accesses. The tier splits them into methods of their own (SplitPlan) and must
 * give the interpreter's results, traps and memory exactly.
 */
class CompilerSplitTest {
    static WasmModule module;
    static JfaasmCode code;

    @BeforeAll
    static void compile() {
        module = Differential.parse(CompilerDifferentialTest.read(CompilerDifferentialTest.resources().resolve("big/big.wasm")));
        code = JfaasmCode.compile(module, Differential::reference);
    }

    @Test
    void eachFunctionIsCompiledAsManyMethods() {
        assertThat(code.fallbackReasons()).isEmpty();
        Map<String, Integer> sizes = new java.util.TreeMap<>();
        for (byte[] classFile : code.classFiles().values()) {
            new ClassReader(classFile).accept(new ClassVisitor(Opcodes.ASM9) {
                @Override
                public MethodVisitor visitMethod(int access, String name, String desc, String sig, String[] ex) {
                    return new MethodVisitor(Opcodes.ASM9) {
                        int bytes;

                        @Override
                        public void visitMaxs(int maxStack, int maxLocals) {
                            sizes.put(name, bytes);
                        }

                        @Override
                        public void visitInsn(int opcode) {
                            bytes++; // a lower bound is enough to see nothing is near the limit
                        }
                    };
                }
            }, 0);
        }
        assertThat(sizes.keySet().stream().filter(n -> n.startsWith("f0_")).count()).isGreaterThan(10);
        assertThat(sizes.keySet().stream().filter(n -> n.startsWith("f1_")).count()).isGreaterThan(5);
        assertThat(sizes.keySet().stream().filter(n -> n.startsWith("f2_")).count()).isGreaterThan(2);
        assertThat(sizes.keySet().stream().filter(n -> n.startsWith("f3_")).count())
                .as("a straight run of 96 accesses is split for C2's inlining limit").isGreaterThan(1);
        assertThat(code.classFiles().values().stream().mapToInt(b -> b.length).sum()).isLessThan(2_000_000);
    }

    @Test
    void aLongRunOfAccessesGivesTheInterpretersResultsAndMemory() {
        for (long n : new long[] {0, 1, 3, 1000}) {
            compare("accesses", n);
        }
    }

    @Test
    void straightLineCodeGivesTheInterpretersResultsAndMemory() {
        for (long p : new long[] {0, 1, 7, 12345, -1, 65536, Integer.MIN_VALUE}) {
            compare("straight", p);
        }
    }

    @Test
    void theInterpreterLoopGivesTheSameResultsReturnsAndHalts() {
        for (long n : new long[] {0, 1, 2, 10, 100, 1000, 20_000, 200_000}) {
            compare("interp", n);
        }
    }

    @Test
    void aSwitchWhoseCasesLeaveValuesGivesTheSameResults() {
        for (long n : new long[] {0, 1, 2, 3, 50, 1000, -1}) {
            compare("select", n);
        }
    }

    private static void compare(String function, long arg) {
        Run reference = new Run(Differential.reference());
        Run tier = new Run(code.machineFactory());
        assertThat(tier.call(function, arg)).as("%s(%d)", function, arg).isEqualTo(reference.call(function, arg));
        assertThat(tier.memory.readBytes(0, (int) tier.memory.sizeInBytes()))
                .as("memory after %s(%d)", function, arg)
                .isEqualTo(reference.memory.readBytes(0, (int) reference.memory.sizeInBytes()));
        reference.memory.close();
        tier.memory.close();
    }

    private static final class Run {
        final Instance instance;
        LinearMemory memory;

        Run(Function<Instance, Machine> machines) {
            instance = Instance.builder(module).withMachineFactory(machines)
                    .withMemoryFactory(l -> memory = new LinearMemory(l.initialPages(), l.maximumPages()))
                    .build();
        }

        String call(String name, long arg) {
            try {
                long[] r = instance.export(name).apply(arg);
                // an i32 is the low 32 bits: the interpreter may leave others above them
                return Long.toHexString(Differential.canonical(instance.exportType(name).returns().get(0), r[0]));
            } catch (RuntimeException e) {
                return "trap " + e.getClass().getName() + ": " + e.getMessage();
            }
        }
    }
}
