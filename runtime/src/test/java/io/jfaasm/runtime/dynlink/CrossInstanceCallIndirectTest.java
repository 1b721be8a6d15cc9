package io.jfaasm.runtime.dynlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Why {@link TypeIndexRewriter} exists: Chicory 1.7.5's compiled {@code call_indirect} to a function
 * of another instance checks the caller's type index against the callee's type section. Run on
 * cross_call_caller.wat and cross_call_callee.wat (docs/dynamic-loading.md). The first test pins
 * Chicory's behaviour: when it fails after an upgrade, Chicory has fixed the check, and the
 * rewriter (and this test) can go.
 */
class CrossInstanceCallIndirectTest {

    static byte[] module(String name) throws IOException {
        try (InputStream in = CrossInstanceCallIndirectTest.class.getResourceAsStream("/modules/" + name + ".wasm")) {
            return in.readAllBytes();
        }
    }

    static Instance compiled(byte[] bytes) {
        WasmModule m = Parser.parse(bytes);
        return Instance.builder(m).withMachineFactory(MachineFactoryCompiler.compile(m)).build();
    }

    /** The caller with slot 0 of its table holding the callee's function 0. */
    static Instance link(byte[] callerBytes, byte[] calleeBytes) {
        Instance caller = compiled(callerBytes);
        Instance callee = compiled(calleeBytes);
        caller.table(0).setRef(0, 0, callee);
        return caller;
    }

    @Test
    void chicoryChecksTheCallersTypeIndexInTheCalleesModule() throws IOException {
        Instance caller = link(module("cross_call_caller"), module("cross_call_callee"));
        // Right signature, refused: type 1 of the caller is looked up in the callee, which has one type.
        assertThatThrownBy(() -> caller.export("call_ii").apply(41))
                .isInstanceOf(ChicoryException.class)
                .hasMessageContaining("indirect call type mismatch");
        // Wrong signature, let through: the caller's type 0 is (i32, i32) -> (), the callee's type 0
        // is (i32) -> i32, and index 0 == index 0. Wasm requires a trap here.
        caller.export("call_pair").apply(41);
    }

    @Test
    void withTheCalleesTypesRenumberedAfterTheCallersBothCallsMeanWhatWasmSays() throws IOException {
        byte[] callerBytes = module("cross_call_caller");
        List<com.dylibso.chicory.wasm.types.FunctionType> callerTypes =
                List.of(Parser.parse(callerBytes).typeSection().types());
        byte[] callee = TypeIndexRewriter.rewrite(module("cross_call_callee"), callerTypes);
        Instance caller = link(callerBytes, callee);
        assertThat(caller.export("call_ii").apply(41)[0]).isEqualTo(42);
        assertThatThrownBy(() -> caller.export("call_pair").apply(41))
                .isInstanceOf(ChicoryException.class)
                .hasMessageContaining("indirect call type mismatch");
    }

    @Test
    void theRewriterKeepsEveryOtherByteAndRefusesWhatItCannotWalk() throws IOException {
        byte[] callee = module("cross_call_callee");
        byte[] same = TypeIndexRewriter.rewrite(callee, List.of());
        assertThat(same).isEqualTo(callee); // no caller types: nothing moves
        byte[] simd = module("simd_instruction");
        assertThatThrownBy(() -> TypeIndexRewriter.rewrite(simd, List.of()))
                .isInstanceOf(LibraryException.class)
                .hasMessageContaining("is not supported in a library");
    }
}
