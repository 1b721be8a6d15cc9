package io.jfaasm.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.jfaasm.runtime.FaasletHost;
import io.jfaasm.runtime.faaslet.NetworkPolicy;
import io.jfaasm.runtime.files.SharedFileStore;
import io.jfaasm.runtime.files.SharedManifest;
import io.jfaasm.runtime.scheduler.CallRecord;
import io.jfaasm.runtime.scheduler.CallStatus;
import io.jfaasm.runtime.scheduler.ForwardedCall;
import io.jfaasm.runtime.scheduler.FunctionId;
import io.jfaasm.runtime.scheduler.FunctionInfo;
import io.jfaasm.runtime.wasm.Engine;
import io.jfaasm.runtime.scheduler.QueueFullException;
import io.jfaasm.runtime.scheduler.Scheduler;
import io.jfaasm.runtime.scheduler.UnknownFunctionException;
import io.jfaasm.runtime.python.PythonPackage;
import io.jfaasm.runtime.python.PythonRuntime;
import io.jfaasm.runtime.snapshot.InitialisationException;
import io.jfaasm.runtime.state.StateApi;
import io.jfaasm.runtime.state.StateKey;
import io.jfaasm.runtime.wasm.InvalidModuleException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API of one host: routes, authorisation and errors. Every route, status code and field
 * is documented in docs/http-api.md; keep the two in step.
 */
final class HttpApi {
    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
    private static final String CALLER = "jfaasm.caller";
    private static final String OCTETS = "application/octet-stream";
    private static final String JSON = "application/json";
    private static final int MAX_HEADER_VALUE = 1000;
    private static final java.util.regex.Pattern CALL_ID = java.util.regex.Pattern.compile("[A-Za-z0-9_.-]{1,120}");
    private static final long MAX_INTERNAL_WAIT_SECONDS = 30;

    private final ServerConfig config;
    private final Scheduler scheduler;
    private final FaasletHost host;
    private final StateApi state;
    private final ApiKeys keys;
    private final ServerMetrics metrics;
    private final ClusterNode cluster;
    private final SharedFileStore files;
    private final boolean keysRequired;
    private final Instant startedAt = Instant.now();
    /** Uploads and deletes of one function one at a time, so the store and the host agree (striped). */
    private final AtomicInteger activeRequests = new AtomicInteger();
    private volatile boolean draining;

    HttpApi(ServerConfig config, Scheduler scheduler, FaasletHost host, ApiKeys keys, ServerMetrics metrics,
            ClusterNode cluster, SharedFileStore files) {
        this.cluster = cluster;
        this.files = files;
        this.config = config;
        this.scheduler = scheduler;
        this.host = host;
        this.state = host.stateApi();
        this.keys = keys;
        this.metrics = metrics;
        this.keysRequired = config.keysRequired();
    }

    /** Registers every route, the authorisation step and the error mapping. */
    void configure(JavalinConfig cfg) {
        var r = cfg.routes;
        r.before(this::authenticate);
        r.after(ctx -> activeRequests.decrementAndGet());

        r.put("/f/{user}/{function}", this::upload);
        r.post("/f/{user}/{function}", this::invoke);
        r.delete("/f/{user}/{function}", this::deleteFunction);
        r.get("/f/{user}/{function}", this::describeFunction);
        r.get("/f", this::listFunctions);

        r.get("/net/{user}", this::userNetwork);
        r.put("/net/{user}", this::setUserNetwork);
        r.delete("/net/{user}", this::clearUserNetwork);

        r.get("/calls/{id}", this::callStatus);
        r.get("/calls/{id}/output", this::callOutput);
        r.get("/calls/{id}/logs", this::callLogs);

        r.get("/s/{user}", this::stateKeys);
        r.get("/s/{user}/<key>", this::stateGet);
        r.put("/s/{user}/<key>", this::stateSet);
        r.delete("/s/{user}/<key>", this::stateDelete);

        r.get("/file/{user}", this::listFiles);
        r.get("/file/{user}/<path>", this::getFile);
        r.put("/file/{user}/<path>", this::putFile);
        r.delete("/file/{user}/<path>", this::deleteFile);

        r.post("/keys/{user}", this::createKey);
        r.get("/keys", this::listKeys);
        r.delete("/keys/{user}", this::revokeKeys);

        r.get("/health", this::health);
        r.get("/metrics", this::metrics);

        r.get("/cluster", this::clusterView);
        r.post("/internal/calls/{id}", this::internalCall);
        r.get("/internal/calls/{id}", this::internalRecord);

        r.exception(Exception.class, this::onException);
        // Javalin's own refusals (no route, a route without this method) in the API's shape
        r.error(404, this::onJavalinError);
        r.error(405, this::onJavalinError);
    }

    /** Stop taking new calls and uploads (503); what runs goes on. */
    void drain() {
        draining = true;
    }

    /** Requests being handled now. */
    int activeRequests() {
        return activeRequests.get();
    }

    // ---- authorisation ----

    private void authenticate(Context ctx) {
        activeRequests.incrementAndGet();
        if (!keysRequired && !ctx.path().startsWith("/internal/")) {
            ctx.attribute(CALLER, Caller.ADMIN);
            return;
        }
        if (ctx.path().equals("/health")) {
            return; // open: load balancers and probes carry no key
        }
        if (ctx.path().startsWith("/internal/")) {
            return; // host to host: the cluster secret, checked by the route
        }
        String auth = ctx.header("Authorization");
        if (auth == null || auth.isBlank()) {
            ctx.header("WWW-Authenticate", "Bearer");
            throw ApiError.unauthorized("this server requires an API key: Authorization: Bearer KEY");
        }
        if (!auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            ctx.header("WWW-Authenticate", "Bearer");
            throw ApiError.unauthorized("expected Authorization: Bearer KEY");
        }
        Caller caller = keys.authenticate(auth.substring(7).strip());
        if (caller == null) {
            ctx.header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
            throw ApiError.unauthorized("unknown or revoked API key");
        }
        ctx.attribute(CALLER, caller);
    }

    private static Caller caller(Context ctx) {
        Caller c = ctx.attribute(CALLER);
        if (c == null) {
            throw ApiError.unauthorized("this server requires an API key: Authorization: Bearer KEY");
        }
        return c;
    }

    // ---- functions ----

    private void upload(Context ctx) {
        FunctionId id = functionId(ctx);
        caller(ctx).mayAct(id.user());
        refuseWhileDraining();
        // the body is read before the declarations are checked: a 400 sent while the client is
        // still writing a module can reach it as a reset connection instead of the answer
        byte[] body = Bodies.read(ctx, config.maxUploadBytes(), "module");
        boolean idempotent = booleanParam(ctx, "idempotent");
        NetworkPolicy network = NetworkParams.of(ctx);
        Engine engine = engineParam(ctx);
        byte[] wasm = functionBytes(ctx, body);
        FunctionInfo info;
        try {
            info = scheduler.upload(id, wasm, FunctionInfo.declared(id, idempotent, network, engine));
        } catch (PythonRuntime.PythonUnavailableException e) {
            metrics.uploaded(false);
            throw new ApiError(501, "python unavailable", e.getMessage());
        } catch (InvalidModuleException | InitialisationException e) {
            metrics.uploaded(false);
            throw e;
        }
        metrics.uploaded(true);
        ctx.status(201).header("Location", "/f/" + id.user() + "/" + id.name());
        json(ctx, functionJson(info, scheduler.network(info)));
    }

    /**
     * What is stored for an upload: the module ({@code ?lang=wasm}, the default), or for
     * {@code ?lang=python} the source packaged to run under the host's Python interpreter.
     */
    private static byte[] functionBytes(Context ctx, byte[] body) {
        String lang = ctx.queryParam("lang");
        if (lang == null || lang.equals("wasm")) {
            if (PythonPackage.isPython(body)) {
                throw ApiError.badRequest("the body is a packaged Python function: upload its source with ?lang=python");
            }
            return body;
        }
        if (!lang.equals("python")) {
            throw ApiError.badRequest("lang must be wasm or python, not '" + printable(lang) + "'");
        }
        try {
            return PythonPackage.of(body);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(e.getMessage());
        }
    }

    private void invoke(Context ctx) {
        FunctionId id = functionId(ctx);
        caller(ctx).mayAct(id.user());
        boolean async = booleanParam(ctx, "async");
        Duration timeout = timeoutParam(ctx);
        byte[] input = Bodies.read(ctx, config.maxInputBytes(), "input");
        if (draining) {
            metrics.refused("draining");
            refuseWhileDraining();
        }
        CallRecord record;
        try {
            record = scheduler.submit(id, input);
        } catch (UnknownFunctionException e) {
            metrics.refused("unknown_function");
            throw e;
        } catch (QueueFullException e) {
            metrics.refused("queue_full");
            throw e;
        }
        ctx.header("X-Call-Id", record.id());
        if (async) {
            ctx.status(202).header("Location", "/calls/" + record.id());
            json(ctx, Map.of("callId", record.id(), "status", "queued"));
            return;
        }
        try {
            record.done().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new ApiError(504, "timeout", "the call did not finish within " + seconds(timeout)
                    + " s; it goes on: poll GET /calls/" + record.id())
                    .with("callId", record.id());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiError(503, "shutting down", "the server stopped while waiting for the call")
                    .with("callId", record.id());
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
        callHeaders(ctx, record);
        ctx.status(200).contentType(OCTETS).result(record.output());
    }

    private void deleteFunction(Context ctx) {
        FunctionId id = functionId(ctx);
        caller(ctx).mayAct(id.user());
        boolean existed = scheduler.delete(id);
        if (!existed) {
            throw ApiError.notFound("no function " + id.name() + " for user " + id.user());
        }
        ctx.status(204);
    }

    private void describeFunction(Context ctx) {
        FunctionId id = functionId(ctx);
        caller(ctx).mayAct(id.user());
        FunctionInfo info = scheduler.function(id)
                .orElseThrow(() -> ApiError.notFound("no function " + id.name() + " for user " + id.user()));
        json(ctx, functionJson(info, scheduler.network(info)));
    }

    private void listFunctions(Context ctx) {
        Caller caller = caller(ctx);
        String user = ctx.queryParam("user");
        if (user != null) {
            checkUser(user);
            caller.mayAct(user);
        } else if (!caller.admin()) {
            user = caller.user();
        }
        List<Map<String, Object>> list = scheduler.functions(user).stream().map(HttpApi::functionJson).toList();
        json(ctx, Map.of("functions", list));
    }

    /** A function's description, with the network its calls get now (its own policy plus its user's list). */
    /** {@code ?engine=jfaasm|chicory-compiler|chicory-interpreter}; null when absent (the host's). */
    private static Engine engineParam(Context ctx) {
        String e = ctx.queryParam("engine");
        if (e == null || e.isEmpty()) {
            return null;
        }
        try {
            return Engine.parse(e);
        } catch (IllegalArgumentException bad) {
            throw ApiError.badRequest(bad.getMessage());
        }
    }

    private Map<String, Object> functionJson(FunctionInfo info, NetworkPolicy effective) {
        Map<String, Object> m = functionJson(info);
        m.put("engine", (info.engine() != null ? info.engine() : scheduler.host().engine().engine()).id());
        m.put("network", NetworkParams.json(info.network(), effective));
        return m;
    }

    private static Map<String, Object> functionJson(FunctionInfo info) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("user", info.id().user());
        m.put("function", info.id().name());
        m.put("sha256", info.sha256());
        m.put("sizeBytes", info.sizeBytes());
        m.put("compileMillis", info.compileMillis());
        m.put("uploadedAt", Json.time(info.uploadedAt()));
        m.put("idempotent", info.idempotent());
        return m;
    }

    // ---- users' network allow-lists ----

    private void userNetwork(Context ctx) {
        String user = ownUser(ctx);
        json(ctx, Map.of("user", user, "allow", scheduler.userAllowList(user)));
    }

    private void setUserNetwork(Context ctx) {
        String user = ownUser(ctx);
        List<String> allow = NetworkParams.allowList(Bodies.read(ctx, 64 * 1024, "allow-list"));
        try {
            scheduler.setUserAllowList(user, allow);
        } catch (IllegalArgumentException e) {
            throw NetworkParams.refused(e);
        }
        json(ctx, Map.of("user", user, "allow", allow));
    }

    private void clearUserNetwork(Context ctx) {
        String user = ownUser(ctx);
        scheduler.setUserAllowList(user, List.of());
        ctx.status(204);
    }

    // ---- calls ----

    private void callStatus(Context ctx) {
        CallRecord r = ownRecord(ctx);
        json(ctx, recordJson(r));
    }

    private void callOutput(Context ctx) {
        CallRecord r = ownRecord(ctx);
        requireFinished(r);
        callHeaders(ctx, r);
        ctx.contentType(OCTETS).result(r.output());
    }

    private void callLogs(Context ctx) {
        CallRecord r = ownRecord(ctx);
        String stream = ctx.queryParam("stream");
        String accept = ctx.header("Accept");
        ctx.header("X-Call-Status", r.status().name().toLowerCase(Locale.ROOT));
        if (stream == null && accept != null && accept.contains(JSON)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", r.id());
            m.put("status", r.status().name().toLowerCase(Locale.ROOT));
            m.put("stdout", new String(r.stdout(), StandardCharsets.UTF_8));
            m.put("stderr", new String(r.stderr(), StandardCharsets.UTF_8));
            json(ctx, m);
            return;
        }
        byte[] body;
        if (stream == null || stream.equals("all")) {
            ByteArrayOutputStream both = new ByteArrayOutputStream();
            both.writeBytes(r.stdout());
            both.writeBytes(r.stderr());
            body = both.toByteArray();
        } else if (stream.equals("stdout")) {
            body = r.stdout();
        } else if (stream.equals("stderr")) {
            body = r.stderr();
        } else {
            throw ApiError.badRequest("stream must be stdout, stderr or all, not '" + printable(stream) + "'");
        }
        ctx.contentType("text/plain; charset=utf-8").result(body);
    }

    private CallRecord ownRecord(Context ctx) {
        String id = ctx.pathParam("id");
        Optional<CallRecord> found = scheduler.record(id);
        if (found.isEmpty() && cluster != null && CALL_ID.matcher(id).matches()) {
            found = cluster.lookup(id); // finished: from Redis; else from the host it was submitted to
        }
        CallRecord r = found
                .orElseThrow(() -> ApiError.notFound("no call " + printable(id) + " (unknown, or its record expired)"));
        caller(ctx).mayAct(r.function().user());
        return r;
    }

    private static void requireFinished(CallRecord r) {
        if (!r.status().finished()) {
            throw new ApiError(409, "not finished", "call " + r.id() + " is " + r.status().name().toLowerCase(Locale.ROOT)
                    + "; its output comes when it finishes").with("status", r.status().name().toLowerCase(Locale.ROOT));
        }
    }

    private static Map<String, Object> recordJson(CallRecord r) {
        Map<String, Object> m = new LinkedHashMap<>();
        CallStatus status = r.status();
        m.put("id", r.id());
        m.put("user", r.function().user());
        m.put("function", r.function().name());
        m.put("status", status.name().toLowerCase(Locale.ROOT));
        m.put("returnCode", status.finished() ? r.returnCode() : null);
        m.put("error", r.error());
        m.put("host", r.host());
        m.put("submittedAt", Json.time(r.submittedAt()));
        m.put("startedAt", Json.time(r.startedAt()));
        m.put("finishedAt", Json.time(r.finishedAt()));
        m.put("outputBytes", status.finished() ? r.output().length : null);
        m.put("cpuMillis", r.result() == null ? null : r.result().cpuNanos() / 1e6);
        m.put("start", r.result() == null || r.result().start() == null ? null
                : r.result().start().name().toLowerCase(Locale.ROOT));
        m.put("parentId", r.parentId());
        m.put("children", r.children());
        return m;
    }

    /** X-Call-Id, X-Call-Status, X-Return-Code, X-Host and, for a failed call, X-Error. */
    private static void callHeaders(Context ctx, CallRecord r) {
        ctx.header("X-Call-Id", r.id());
        ctx.header("X-Call-Status", r.status().name().toLowerCase(Locale.ROOT));
        Integer rc = r.returnCode();
        if (rc != null) {
            ctx.header("X-Return-Code", rc.toString());
        }
        if (r.host() != null) {
            ctx.header("X-Host", r.host());
        }
        if (r.status() == CallStatus.FAILED) {
            ctx.header("X-Error", headerSafe(r.error() == null ? "failed" : r.error()));
        }
    }

    // ---- state ----

    private void stateKeys(Context ctx) {
        String user = ctx.pathParam("user");
        checkUser(user);
        caller(ctx).mayAct(user);
        json(ctx, state.keys(user));
    }

    private void stateGet(Context ctx) {
        StateKey k = stateKey(ctx);
        byte[] v = state.get(k.user(), k.key());
        if (v == null) {
            throw ApiError.notFound("no state value " + printable(k.key()) + " for user " + k.user());
        }
        ctx.contentType(OCTETS).result(v);
    }

    private void stateSet(Context ctx) {
        StateKey k = stateKey(ctx);
        byte[] v = Bodies.read(ctx, config.maxStateBytes(), "state value");
        state.set(k.user(), k.key(), v);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("user", k.user());
        m.put("key", k.key());
        m.put("sizeBytes", v.length);
        json(ctx, m);
    }

    private void stateDelete(Context ctx) {
        StateKey k = stateKey(ctx);
        if (!state.delete(k.user(), k.key())) {
            throw ApiError.notFound("no state value " + printable(k.key()) + " for user " + k.user());
        }
        ctx.status(204);
    }

    private StateKey stateKey(Context ctx) {
        String user = ctx.pathParam("user");
        checkUser(user);
        caller(ctx).mayAct(user);
        try {
            return new StateKey(user, ctx.pathParam("key"));
        } catch (IllegalArgumentException e) {
            throw ApiError.badName(printable(e.getMessage()));
        }
    }

    // ---- shared files ----

    private void listFiles(Context ctx) {
        String user = ctx.pathParam("user");
        checkUser(user);
        caller(ctx).mayAct(user);
        json(ctx, Map.of("files", files.manifest(user).entries().stream().map(e -> fileJson(user, e)).toList()));
    }

    private void getFile(Context ctx) {
        FileRef f = fileRef(ctx);
        byte[] bytes = files.get(f.user(), f.path());
        if (bytes == null) {
            throw f.notFound();
        }
        ctx.contentType(OCTETS).result(bytes);
    }

    private void putFile(Context ctx) {
        FileRef f = fileRef(ctx);
        byte[] bytes = Bodies.read(ctx, config.maxStateBytes(), "shared file");
        try {
            json(ctx, fileJson(f.user(), files.put(f.user(), f.path(), bytes)));
        } catch (SharedFileStore.PathConflictException e) {
            throw new ApiError(409, "path conflict", e.getMessage());
        }
    }

    private void deleteFile(Context ctx) {
        FileRef f = fileRef(ctx);
        if (!files.delete(f.user(), f.path())) {
            throw f.notFound();
        }
        ctx.status(204);
    }

    /** A shared file named by a request: its user and path, both checked. */
    private record FileRef(String user, String path) {
        ApiError notFound() {
            return ApiError.notFound("no shared file " + path + " of user " + user);
        }
    }

    /** The file a request names, once the caller is known to act for its user. */
    private static FileRef fileRef(Context ctx) {
        String user = ctx.pathParam("user");
        checkUser(user);
        caller(ctx).mayAct(user);
        try {
            return new FileRef(user, SharedFileStore.checkPath(ctx.pathParam("path")));
        } catch (IllegalArgumentException e) {
            throw ApiError.badName(printable(e.getMessage()));
        }
    }

    private static Map<String, Object> fileJson(String user, SharedManifest.Entry e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("user", user);
        m.put("path", e.path());
        m.put("sha256", e.sha256());
        m.put("sizeBytes", e.size());
        return m;
    }

    // ---- keys ----

    private void createKey(Context ctx) {
        caller(ctx).mustBeAdmin();
        String user = ctx.pathParam("user");
        checkUser(user);
        byte[] body = Bodies.read(ctx, 64 * 1024, "key request");
        String label = null;
        if (body.length > 0 && !new String(body, StandardCharsets.UTF_8).isBlank()) {
            JsonNode n = Json.parse(body);
            if (!n.isObject()) {
                throw new ApiError(400, "bad json", "expected a JSON object like {\"label\": \"ci\"}");
            }
            JsonNode l = n.get("label");
            if (l != null && !l.isNull()) {
                if (!l.isTextual() || l.asText().length() > 200) {
                    throw new ApiError(400, "bad json", "label must be a string of at most 200 characters");
                }
                label = l.asText();
            }
        }
        ApiKeys.Created k = keys.create(user, label);
        ctx.status(201);
        json(ctx, k);
    }

    private void listKeys(Context ctx) {
        caller(ctx).mustBeAdmin();
        json(ctx, Map.of("keys", keys.list()));
    }

    private void revokeKeys(Context ctx) {
        caller(ctx).mustBeAdmin();
        String user = ctx.pathParam("user");
        checkUser(user);
        int n = keys.revoke(user);
        if (n == 0) {
            throw ApiError.notFound("user " + user + " has no key");
        }
        json(ctx, Map.of("user", user, "revoked", n));
    }

    // ---- health and metrics ----

    private void health(Context ctx) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", draining ? "draining" : "ok");
        m.put("hostId", config.hostId());
        m.put("slots", config.slots());
        m.put("running", scheduler.running());
        m.put("queued", scheduler.queued());
        m.put("maxQueued", config.maxQueued());
        m.put("idleFaaslets", host.idleFaaslets());
        m.put("functions", scheduler.functions(null).size());
        m.put("auth", keysRequired ? "keys" : "open");
        m.put("cpuIsolation", host.cpuMode().name().toLowerCase(Locale.ROOT));
        m.put("callQueue", "fair_per_user"); // FairSlots, in every CPU mode
        m.put("startedAt", Json.time(startedAt));
        if (cluster != null) {
            m.put("forwarding", scheduler.forwarding());
            m.put("clusterHosts", cluster.liveHosts().size());
        }
        if (draining) {
            ctx.status(503);
        }
        json(ctx, m);
    }

    private void metrics(Context ctx) {
        caller(ctx).mustBeAdmin();
        ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape());
    }

    // ---- cluster ----

    /** {@code GET /cluster} (admin): the live hosts and the warm sets, as Redis has them. */
    private void clusterView(Context ctx) {
        caller(ctx).mustBeAdmin();
        if (cluster == null) {
            throw ApiError.notFound("this host is not part of a cluster (start it with --redis)");
        }
        json(ctx, cluster.describe());
    }

    /** Host to host: the request must carry the cluster secret (docs/http-api.md, "Internal routes"). */
    private void checkSecret(Context ctx) {
        if (cluster == null) {
            throw ApiError.notFound("no route " + ctx.method() + " " + printable(ctx.path()) + "; see docs/http-api.md");
        }
        String given = ctx.header(ClusterNode.SECRET_HEADER);
        if (given == null || !MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
                cluster.secret().getBytes(StandardCharsets.UTF_8))) {
            throw ApiError.unauthorized("internal routes need the cluster secret (" + ClusterNode.SECRET_HEADER + ")");
        }
    }

    /** {@code POST /internal/calls/{id}}: a call handed over by another host of the cluster. */
    private void internalCall(Context ctx) {
        checkSecret(ctx);
        String id = ctx.pathParam("id");
        if (!CALL_ID.matcher(id).matches()) {
            throw ApiError.badRequest("bad call id");
        }
        FunctionId fn;
        try {
            fn = new FunctionId(String.valueOf(ctx.header("X-Jfaasm-User")), String.valueOf(ctx.header("X-Jfaasm-Function")));
        } catch (IllegalArgumentException e) {
            throw ApiError.badName(printable(e.getMessage()));
        }
        String visitedHeader = ctx.header("X-Jfaasm-Visited");
        List<String> visited = visitedHeader == null || visitedHeader.isBlank() ? List.of()
                : Arrays.stream(visitedHeader.split(",")).map(String::strip).filter(v -> !v.isEmpty()).toList();
        if (visited.isEmpty()) {
            throw ApiError.badRequest("X-Jfaasm-Visited must name the hosts the call has been to");
        }
        int chainIndex = intHeader(ctx, "X-Jfaasm-Chain-Index", 0);
        int tableIndex = intHeader(ctx, "X-Jfaasm-Table-Index", -1);
        Duration wait = waitParam(ctx);
        byte[] input = Bodies.read(ctx, config.maxInputBytes(), "input");
        refuseWhileDraining();
        CallRecord record = scheduler.accept(new ForwardedCall(id, fn, ctx.header("X-Jfaasm-Sha256"),
                ctx.header("X-Jfaasm-Parent"), chainIndex, tableIndex, input, visited));
        awaitQuietly(record, wait);
        ctx.contentType(OCTETS).result(RecordCodec.encode(record));
    }

    /** {@code GET /internal/calls/{id}?wait=S}: a record of this host, waiting up to S for it to finish. */
    private void internalRecord(Context ctx) {
        checkSecret(ctx);
        String id = ctx.pathParam("id");
        CallRecord record = scheduler.record(id)
                .orElseThrow(() -> ApiError.notFound("no call " + printable(id) + " on this host"));
        awaitQuietly(record, waitParam(ctx));
        ctx.contentType(OCTETS).result(RecordCodec.encode(record));
    }

    private static void awaitQuietly(CallRecord record, Duration wait) {
        if (wait.isZero()) {
            return;
        }
        try {
            record.done().get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // not finished yet: the caller asks again
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    private static Duration waitParam(Context ctx) {
        String v = ctx.queryParam("wait");
        if (v == null) {
            return Duration.ZERO;
        }
        try {
            long s = Long.parseLong(v);
            if (s < 0) {
                throw new NumberFormatException();
            }
            return Duration.ofSeconds(Math.min(s, MAX_INTERNAL_WAIT_SECONDS));
        } catch (NumberFormatException e) {
            throw ApiError.badRequest("wait must be a whole number of seconds");
        }
    }

    private static int intHeader(Context ctx, String name, int dflt) {
        String v = ctx.header(name);
        if (v == null) {
            return dflt;
        }
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw ApiError.badRequest(name + " must be an integer");
        }
    }

    // ---- errors ----

    private void onException(Exception e, Context ctx) {
        ApiError error = switch (e) {
            case ApiError a -> a;
            case InvalidModuleException m -> new ApiError(400, "invalid wasm", m.getMessage())
                    .with("problem", m.problem().name().toLowerCase(Locale.ROOT));
            case InitialisationException i -> new ApiError(400, "initialisation failed", i.getMessage())
                    .with("kind", i.failure().kind().name().toLowerCase(Locale.ROOT));
            case UnknownFunctionException u -> ApiError.notFound(u.getMessage());
            case QueueFullException q -> {
                ctx.header("Retry-After", "1");
                yield new ApiError(429, "queue full", q.getMessage());
            }
            case HttpResponseException h -> httpError(h.getStatus(), ctx);
            case io.jfaasm.runtime.state.GlobalTierException g -> {
                LOG.warn("storage unavailable on {} {}: {}", ctx.method(), ctx.path(), g.getMessage());
                ctx.header("Retry-After", "1");
                yield new ApiError(503, "storage unavailable", "the shared storage (Redis) did not answer; try again");
            }
            default -> {
                LOG.error("internal error on {} {}", ctx.method(), ctx.path(), e);
                yield new ApiError(500, "internal error", "the server failed to handle this request; see its log");
            }
        };
        if (error.status() == 401 && ctx.res().getHeader("WWW-Authenticate") == null) {
            ctx.header("WWW-Authenticate", "Bearer");
        }
        ctx.status(error.status());
        json(ctx, error.body());
    }

    private void onJavalinError(Context ctx) {
        String type = ctx.res().getContentType();
        if (type == null || !type.startsWith(JSON)) {
            json(ctx, httpError(ctx.statusCode(), ctx).body());
        }
    }

    /** The answer for Javalin's own refusals: no route (404), a route without this method (405). */
    static ApiError httpError(int status, Context ctx) {
        return switch (status) {
            case 404 -> ApiError.notFound("no route " + ctx.method() + " " + printable(ctx.path())
                    + "; see docs/http-api.md");
            case 405 -> new ApiError(405, "method not allowed", ctx.method() + " is not allowed on "
                    + printable(ctx.path()));
            default -> new ApiError(status, "http " + status, "the request was refused");
        };
    }

    // ---- helpers ----

    private void refuseWhileDraining() {
        if (draining) {
            throw new ApiError(503, "shutting down", "this host is stopping; try another host or later");
        }
    }

    private static FunctionId functionId(Context ctx) {
        try {
            return new FunctionId(ctx.pathParam("user"), ctx.pathParam("function"));
        } catch (IllegalArgumentException e) {
            throw ApiError.badName(printable(e.getMessage()));
        }
    }

    /** The {user} of the path, checked, that the caller may act for. */
    private static String ownUser(Context ctx) {
        String user = ctx.pathParam("user");
        checkUser(user);
        caller(ctx).mayAct(user);
        return user;
    }

    private static void checkUser(String user) {
        try {
            new FunctionId(user, "x");
        } catch (IllegalArgumentException e) {
            throw ApiError.badName(printable(e.getMessage()));
        }
    }

    private static boolean booleanParam(Context ctx, String name) {
        String v = ctx.queryParam(name);
        if (v == null) {
            return false;
        }
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "", "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw ApiError.badRequest(name + " must be true or false, not '" + printable(v) + "'");
        };
    }

    /** {@code ?timeout=SECONDS} (fractions allowed), at most the server's sync timeout. */
    private Duration timeoutParam(Context ctx) {
        String v = ctx.queryParam("timeout");
        if (v == null) {
            return config.syncTimeout();
        }
        double s;
        try {
            s = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw ApiError.badRequest("timeout must be a number of seconds, not '" + printable(v) + "'");
        }
        if (!(s > 0) || Double.isInfinite(s)) {
            throw ApiError.badRequest("timeout must be a positive number of seconds");
        }
        Duration d = Duration.ofNanos((long) Math.min(s * 1e9, config.syncTimeout().toNanos()));
        return d.isZero() ? Duration.ofNanos(1) : d;
    }

    private static void json(Context ctx, Object body) {
        ctx.contentType(JSON).result(Json.bytes(body));
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? Long.toString(d.toSeconds()) : String.format(Locale.ROOT, "%.3f", d.toMillis() / 1000.0);
    }

    /** A value from the request, safe to echo in a message: short, no control characters. */
    static String printable(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder();
        s.codePoints().limit(200).forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return s.codePointCount(0, s.length()) > 200 ? b + "..." : b.toString();
    }

    /** A header value: printable ASCII only, at most 1000 characters. */
    static String headerSafe(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), MAX_HEADER_VALUE));
        for (int i = 0; i < s.length() && b.length() < MAX_HEADER_VALUE; i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? c : ' ');
        }
        return b.toString().strip();
    }
}
