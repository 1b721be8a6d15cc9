package io.jfaasm.experiments.inference;

import io.jfaasm.runtime.FaasletHost;
import io.jfaasm.runtime.faaslet.CallRequest;
import io.jfaasm.runtime.faaslet.Faaslet;
import io.jfaasm.runtime.faaslet.FunctionLimits;
import io.jfaasm.runtime.snapshot.ProtoFaaslet;
import io.jfaasm.runtime.wasm.CompiledModule;

/**
 * JFaasm serving the classifier: warm calls go through the host's pool of idle Faaslets; a cold
 * call restores a new Faaslet from the Proto-Faaslet (the weights already mapped by the zygote's
 * snapshot), runs the call in it and closes it.
 */
final class FaasletDigits implements DigitService {
    private final FaasletHost host;
    private final CompiledModule infer;
    private final ProtoFaaslet proto;
    private final String user;

    FaasletDigits(FaasletHost host, CompiledModule infer, String user) {
        this.host = host;
        this.infer = infer;
        this.proto = host.proto(infer);
        this.user = user;
    }

    @Override
    public String system() {
        return "jfaasm";
    }

    @Override
    public int classify(byte[] pixels, boolean cold) {
        CallRequest request = CallRequest.of(pixels).withUser(user);
        if (!cold) {
            return DigitClassifier.digitOf(host.call(infer, request, FunctionLimits.DEFAULTS));
        }
        try (Faaslet fresh = proto.restore(FunctionLimits.DEFAULTS)) {
            return DigitClassifier.digitOf(fresh.call(request, FunctionLimits.DEFAULTS, host.state(), () -> false));
        }
    }

    @Override
    public void close() {}
}
