using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;

// End-to-end ingestion benchmark: starts the service as its own process (Release build) on the stores bench.sh
// started, drives it over HTTP with batches of 100 mixed events, and reports throughput, request latency,
// time from 207 to a readable trace, and the service's peak memory.
// Usage: ingestion [--seconds N] [--rate events/s, open loop | --rate 0 --clients N, closed loop]  |  prompts [--seconds N] [--rate requests/s]
var seconds = ArgInt("--seconds", 60);
var clients = ArgInt("--clients", 8);
var rate = ArgInt("--rate", 5000);
if (args.Length > 0 && args[0] == "prompts") seconds = ArgInt("--seconds", 30); // events/s offered in total; 0 = as fast as the clients can go
var appDll = Environment.GetEnvironmentVariable("BENCH_APP_DLL") ?? throw new InvalidOperationException("BENCH_APP_DLL is not set (run ./bench.sh)");
var port = ArgInt("--port", 3999);
var probesOn = Environment.GetEnvironmentVariable("BENCH_PROBES") != "0";
var traceSamples = Environment.GetEnvironmentVariable("BENCH_LOG_LEVEL") == "debug";
// The reads benchmark's web-app user (owner of the bench organization), created by the service at start-up.
const string BenchUserEmail = "bench@local.test";
const string BenchUserPassword = "bench password 1!";
var baseUrl = $"http://127.0.0.1:{port}";
var run = DateTime.UtcNow.ToString("yyyyMMddHHmmss");
var (pk, sk, projectId) = ($"pk-lf-bench-{run}", $"sk-lf-bench-{run}", $"bench-{run}");
if (args.Length > 0 && args[0] == "reads")
{
    // The read data set takes minutes to load: it lives in a project of its own per scale and is loaded once.
    var scaleName = (args.SkipWhile(a => a != "--scale").Skip(1).FirstOrDefault() ?? "1").Replace('.', '_');
    (pk, sk, projectId) = ($"pk-lf-bench-reads-{scaleName}", $"sk-lf-bench-reads-{scaleName}", $"bench-reads-{scaleName}");
}

using (var probe = new System.Net.Sockets.TcpClient())
{
    try { probe.Connect("127.0.0.1", port); throw new InvalidOperationException($"port {port} is already in use: stop whatever listens there first"); }
    catch (System.Net.Sockets.SocketException) { }
}
using var service = StartService();
using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = TimeSpan.FromMinutes(10) }) { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(30) };
http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{pk}:{sk}")));
await WaitHealthy();

var peakRss = 0L;
var freshnessFailures = 0;
using var stopSampling = new CancellationTokenSource();
var sampler = Task.Run(async () =>
{
    while (!stopSampling.IsCancellationRequested)
    {
        peakRss = Math.Max(peakRss, Rss(service.Id));
        try { await Task.Delay(250, stopSampling.Token); } catch (OperationCanceledException) { }
    }
});

if (args.Length > 0 && args[0] == "prompts") return await PromptsBenchmark();
if (args.Length > 0 && args[0] == "otel") return await OtelBenchmark();
if (args.Length > 0 && args[0] == "reads") return await ReadsBenchmark();

var rawRate = await RawInsertRate();
Console.WriteLine($"ClickHouse inserts {rawRate:N0} raw event-log rows/s on this machine");
Console.WriteLine($"Warming up (5 s) ...");
var warmup = await Load(TimeSpan.FromSeconds(5), clients, record: false);
var idleishRss = Rss(service.Id);
if (idleishRss == 0) { await Task.Delay(300); idleishRss = Rss(service.Id); }
Console.WriteLine(rate > 0
    ? $"Measuring for {seconds} s, open loop: {rate:N0} events/s offered as requests of 100 events sent when due, however many are in flight ..."
    : $"Measuring for {seconds} s, closed loop: {clients} clients each sending its next request of 100 events when the last is answered ...");
// The warm-up's own backlog may still be draining: the drain below waits for its observations too.
var warmupObservations = warmup.TotalObservations;
var result = await Load(TimeSpan.FromSeconds(seconds), clients, record: true);

// Drain: wait until every accepted observation is stored.
var drainWatch = Stopwatch.StartNew();
var storedObservations = await WaitStored(result.TotalObservations + warmupObservations, drainWatch);
var storeSeconds = result.Elapsed.TotalSeconds + drainWatch.Elapsed.TotalSeconds;
await result.Probes;
stopSampling.Cancel();
await sampler;

var latencies = result.Latencies.OrderBy(x => x).ToArray();
var freshness = result.Freshness.OrderBy(x => x).ToArray();
Console.WriteLine();
Console.WriteLine($"| metric | value |");
Console.WriteLine($"|---|---|");
Console.WriteLine($"| events accepted | {result.Events:N0} in {result.Elapsed.TotalSeconds:F1} s = **{result.Events / result.Elapsed.TotalSeconds:N0} events/s** |");
Console.WriteLine($"| ClickHouse's raw insert rate here (event-log rows as JSONEachRow, 20,000 per insert, measured before the load) | {rawRate:N0} rows/s |");
Console.WriteLine($"| events stored (accepted → all in ClickHouse) | {result.Events / storeSeconds:N0} events/s = **{result.Events / storeSeconds / rawRate:P1} of the raw rate** (backlog drained {drainWatch.Elapsed.TotalSeconds:F1} s after load stopped; {storedObservations - warmupObservations:N0}/{result.TotalObservations:N0} observations) |");
Console.WriteLine($"| request latency (from when it was due) p50 / p99 / max | {P(latencies, 0.50):F1} / **{P(latencies, 0.99):F1}** / {latencies.LastOrDefault():F1} ms |");
Console.WriteLine($"| 207 → trace readable with all observations p50 / p99 / max | {Ms(P(freshness, 0.50))} / **{Ms(P(freshness, 0.99))}** / {Ms(freshness.LastOrDefault())} ms ({freshness.Length} sampled traces) |");
Console.WriteLine($"| service memory (RSS) after warm-up / peak | {idleishRss / 1048576} MB / **{peakRss / 1048576} MB** |");
Console.WriteLine($"| errors | {result.Errors} |");
if (service.HasExited) { Console.Error.WriteLine("the service died during the run"); return 1; }
service.Kill(true);
return 0;

// OTLP/HTTP protobuf exports of 100 spans (10 traces × a root, LLM calls with gen_ai usage, tools, retrievals):
// first decode + map in-process, then end to end at a fixed span rate, stored = observations in ClickHouse.
async Task<int> OtelBenchmark()
{
    var spanRate = ArgInt("--rate", 5000);
    Langfuse.Features.Ingestion.Otel.Proto.ExportTraceServiceRequest Export(Random random)
    {
        var request = new Langfuse.Features.Ingestion.Otel.Proto.ExportTraceServiceRequest();
        var resourceSpans = new Langfuse.Features.Ingestion.Otel.Proto.ResourceSpans { Resource = new() };
        resourceSpans.Resource.Attributes.Add(Kv("service.name", "bench-app"));
        resourceSpans.Resource.Attributes.Add(Kv("deployment.environment", "bench"));
        var scope = new Langfuse.Features.Ingestion.Otel.Proto.ScopeSpans { Scope = new() { Name = "bench-instrumentation", Version = "1.0.0" } };
        resourceSpans.ScopeSpans.Add(scope);
        request.ResourceSpans.Add(resourceSpans);
        var now = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
        for (var t = 0; t < 10; t++)
        {
            var traceId = Google.Protobuf.ByteString.CopyFrom(Guid.NewGuid().ToByteArray());
            var rootId = Google.Protobuf.ByteString.CopyFrom(BitConverter.GetBytes(random.NextInt64()));
            for (var i = 0; i < 10; i++)
            {
                var span = new Langfuse.Features.Ingestion.Otel.Proto.Span
                {
                    TraceId = traceId, SpanId = i == 0 ? rootId : Google.Protobuf.ByteString.CopyFrom(BitConverter.GetBytes(random.NextInt64())),
                    ParentSpanId = i == 0 ? Google.Protobuf.ByteString.Empty : rootId, Name = i == 0 ? "agent-run" : i % 3 == 0 ? "chat" : "step",
                    StartTimeUnixNano = now + (ulong)i * 1_000_000, EndTimeUnixNano = now + (ulong)(i + 5) * 1_000_000,
                };
                span.Attributes.Add(Kv("input.value", Text(random)));
                span.Attributes.Add(Kv("output.value", Text(random)));
                if (i == 0) { span.Attributes.Add(Kv("user.id", $"user-{random.Next(1000)}")); span.Attributes.Add(Kv("session.id", $"s-{random.Next(10000)}")); }
                if (i % 3 == 0 && i > 0)
                {
                    span.Attributes.Add(Kv("gen_ai.operation.name", "chat"));
                    span.Attributes.Add(Kv("gen_ai.request.model", "gpt-4o-mini"));
                    span.Attributes.Add(new Langfuse.Features.Ingestion.Otel.Proto.KeyValue { Key = "gen_ai.usage.input_tokens", Value = new() { IntValue = random.Next(100, 2000) } });
                    span.Attributes.Add(new Langfuse.Features.Ingestion.Otel.Proto.KeyValue { Key = "gen_ai.usage.output_tokens", Value = new() { IntValue = random.Next(10, 500) } });
                }
                scope.Spans.Add(span);
            }
        }
        return request;
    }
    static Langfuse.Features.Ingestion.Otel.Proto.KeyValue Kv(string key, string value) => new() { Key = key, Value = new() { StringValue = value } };

    // In-process: decode + map only.
    var sample = Enumerable.Range(0, 50).Select(i => Google.Protobuf.MessageExtensions.ToByteArray(Export(new Random(i)))).ToArray();
    var mapWatch = Stopwatch.StartNew();
    var mapped = 0L;
    while (mapWatch.Elapsed < TimeSpan.FromSeconds(5))
        foreach (var bytes in sample)
            mapped += Langfuse.Features.Ingestion.Otel.OtelMapper.ToEvents(Langfuse.Features.Ingestion.Otel.OtlpDecoder.FromProtobuf(bytes)).Events.Count(e => e.EntityType == "observation");
    var decodeRate = mapped / mapWatch.Elapsed.TotalSeconds;
    Console.WriteLine($"Decode + map in-process: {decodeRate:N0} spans/s on one thread ({sample[0].Length / 1024} KB per 100-span export)");

    async Task<(long Spans, long Errors, TimeSpan Elapsed, List<double> Latencies)> Run(TimeSpan duration, bool record)
    {
        var latencies = new List<double>();
        long spans = 0, errors = 0;
        var watch = Stopwatch.StartNew();
        var inFlight = new List<Task>();
        var exportsPerSecond = spanRate / 100.0;
        var sent = 0L;
        var random = new Random(record ? 1 : 2);
        while (watch.Elapsed < duration)
        {
            var due = (long)(watch.Elapsed.TotalSeconds * exportsPerSecond);
            for (; sent < due; sent++)
            {
                var body = Google.Protobuf.MessageExtensions.ToByteArray(Export(random));
                inFlight.Add(Task.Run(async () =>
                {
                    var started = Stopwatch.GetTimestamp();
                    using var content = new ByteArrayContent(body);
                    content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
                    try
                    {
                        using var response = await http.PostAsync("/api/public/otel/v1/traces", content);
                        if (!response.IsSuccessStatusCode) { Interlocked.Increment(ref errors); return; }
                        Interlocked.Add(ref spans, 100);
                        if (record) lock (latencies) latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    }
                    catch (Exception) { Interlocked.Increment(ref errors); }
                }));
            }
            await Task.Delay(2);
        }
        await Task.WhenAll(inFlight);
        return (spans, errors, watch.Elapsed, latencies);
    }

    Console.WriteLine("Warming up (5 s) ...");
    await Run(TimeSpan.FromSeconds(5), false);
    var before = await CountStoredObservations();
    Console.WriteLine($"Measuring for {seconds} s at {spanRate:N0} spans/s ...");
    var result = await Run(TimeSpan.FromSeconds(seconds), true);
    var drain = Stopwatch.StartNew();
    var stored = await WaitStored(before + result.Spans, drain) - before;
    stopSampling.Cancel();
    await sampler;
    var sorted = result.Latencies.OrderBy(x => x).ToArray();
    Console.WriteLine();
    Console.WriteLine("| metric | value |");
    Console.WriteLine("|---|---|");
    Console.WriteLine($"| decode + map (in-process, one thread) | {decodeRate:N0} spans/s |");
    Console.WriteLine($"| spans accepted | {result.Spans:N0} in {result.Elapsed.TotalSeconds:F1} s = **{result.Spans / result.Elapsed.TotalSeconds:N0} spans/s** |");
    Console.WriteLine($"| spans stored (accepted → all in ClickHouse) | {result.Spans / (result.Elapsed.TotalSeconds + drain.Elapsed.TotalSeconds):N0} spans/s (backlog drained {drain.Elapsed.TotalSeconds:F1} s after load stopped; {stored:N0}/{result.Spans:N0}) |");
    Console.WriteLine($"| export latency p50 / p99 | {P(sorted, 0.5):F1} / **{P(sorted, 0.99):F1}** ms |");
    Console.WriteLine($"| service memory (RSS) peak | {peakRss / 1048576} MB |");
    Console.WriteLine($"| errors | {result.Errors} |");
    service.Kill(true);
    return 0;
}

// Loads a large data set straight through the project's ClickHouse writer (scale 1 = 1M traces, 10M observations,
// 2M scores over 90 days, 1,000 users, 10,000 sessions, 300 trace names), then times the read API.
async Task<int> ReadsBenchmark()
{
    var scale = double.Parse(args.SkipWhile(a => a != "--scale").Skip(1).FirstOrDefault() ?? "1", System.Globalization.CultureInfo.InvariantCulture);
    var traceCount = (int)(1_000_000 * scale);
    var settings = Langfuse.Infrastructure.Configuration.LangfuseSettings.From(new Microsoft.Extensions.Configuration.ConfigurationBuilder().AddEnvironmentVariables().Build());
    using var gateway = new Langfuse.Infrastructure.ClickHouse.ClickHouseGateway(settings, settings.ClickHouseDatabase);
    var store = new Langfuse.Features.Tracing.Tables.TracingStore(gateway, [new Langfuse.Features.Tracing.Metrics.DailyRollups(
        StackExchange.Redis.ConnectionMultiplexer.Connect(settings.RedisConfiguration), Microsoft.Extensions.Logging.Abstractions.NullLogger<Langfuse.Features.Tracing.Metrics.DailyRollups>.Instance)]);
    var figures = new Langfuse.Features.Tracing.Tables.TraceFigures(gateway, store);
    var end = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
    var start = end - 90L * 24 * 3600 * 1000;
    var names = Enumerable.Range(0, 300).Select(i => $"workflow-{i}").ToArray();
    var tags = Enumerable.Range(0, 20).Select(i => $"tag-{i}").ToArray();
    var models = new[] { "gpt-4o-mini", "gpt-4o", "claude-3-5-sonnet-20241022", "gemini-2.0-flash" };
    var bigTraceId = "trace-00000000";

    var existing = (await gateway.QueryAsync<JsonObject>(Langfuse.Infrastructure.ClickHouse.Sql.Of($"SELECT count() AS c FROM traces WHERE project_id = {projectId}"))).Single()["c"]!.ToString();
    if (long.Parse(existing) == traceCount) Console.WriteLine($"Reusing the {traceCount:N0} traces loaded earlier into project {projectId}");
    else if (long.Parse(existing) != 0) throw new InvalidOperationException($"project {projectId} holds {existing} traces, not {traceCount}: an earlier load was interrupted; truncate the bench tables and run again");
    else await LoadReadData();

    async Task LoadReadData()
    {
    var load = Stopwatch.StartNew();
    const int chunk = 20_000;
    var loaded = 0;
    await Parallel.ForEachAsync(Enumerable.Range(0, (traceCount + chunk - 1) / chunk), new ParallelOptions { MaxDegreeOfParallelism = 2 }, async (c, ct) =>
    {
        var random = new Random(c);
        var traces = new List<Langfuse.Features.Tracing.Tables.TraceRow>();
        var observations = new List<Langfuse.Features.Tracing.Tables.ObservationRow>();
        var scores = new List<Langfuse.Features.Tracing.Tables.ScoreRow>();
        for (var i = c * chunk; i < Math.Min(traceCount, (c + 1) * chunk); i++)
        {
            var id = $"trace-{i:D8}";
            var ts = start + (long)(random.NextDouble() * (end - start));
            traces.Add(new() { ProjectId = projectId, Id = id, Timestamp = ts, Name = names[random.Next(names.Length)], UserId = $"user-{random.Next(1000)}",
                SessionId = $"session-{random.Next(10_000)}", Input = "{\"question\":\"how do I reset my password?\"}"u8.ToArray(), Output = "Use the reset link on the sign-in page."u8.ToArray(),
                Tags = [tags[random.Next(tags.Length)], tags[random.Next(tags.Length)]], Environment = "production", CreatedAt = ts, UpdatedAt = ts, FirstSeen = ts, FoldVersion = 1 });
            var n = i % 10 == 0 ? 20 : 9; // one trace in ten has 20 observations; 10 on average... 2 + 9×0.9 ≈ 10.1
            for (var o = 0; o < n; o++)
            {
                var generation = o % 3 == 1;
                var input = random.Next(50, 2000);
                var output = random.Next(10, 500);
                observations.Add(new() { ProjectId = projectId, Id = $"{id}-o{o}", TraceId = id, Type = generation ? "GENERATION" : "SPAN", Name = generation ? "llm" : $"step-{o}",
                    ParentObservationId = o == 0 ? null : $"{id}-o0", StartTime = ts + o * 100, EndTime = ts + o * 100 + 80, Level = "DEFAULT",
                    Input = "{\"messages\":[{\"role\":\"user\",\"content\":\"reset password\"}]}"u8.ToArray(), Output = "Use the reset link."u8.ToArray(),
                    ProvidedModelName = generation ? models[random.Next(models.Length)] : null,
                    UsageKeys = generation ? ["input", "output", "total"] : [], UsageValues = generation ? [input, output, input + output] : [],
                    CostKeys = generation ? ["input", "output", "total"] : [], CostValues = generation ? [input * 1.5e-7, output * 6e-7, input * 1.5e-7 + output * 6e-7] : [],
                    TotalCost = generation ? input * 1.5e-7 + output * 6e-7 : null, Environment = "production", CreatedAt = ts, UpdatedAt = ts, FirstSeen = ts, FoldVersion = 1 });
            }
            for (var k = 0; k < 2; k++)
                scores.Add(new() { ProjectId = projectId, Id = $"{id}-s{k}", TraceId = id, Timestamp = ts, Name = k == 0 ? "quality" : "helpfulness", Value = random.NextDouble(),
                    Environment = "production", CreatedAt = ts, UpdatedAt = ts, FirstSeen = ts, FoldVersion = 1 });
        }
        await store.InsertAsync("traces", traces, ct);
        await store.InsertAsync("observations", observations, ct);
        await figures.WriteAsync(projectId, observations, _ => true, ct); // every trace is new: its observations are all here
        await store.InsertAsync("scores", scores, ct);
        var done = Interlocked.Add(ref loaded, traces.Count);
        if (done % 200_000 < chunk) Console.WriteLine($"  loaded {done:N0} traces ({load.Elapsed.TotalSeconds:F0} s)");
    });
    Console.WriteLine($"Loaded {traceCount:N0} traces in {load.Elapsed.TotalSeconds:F0} s");
    }

    async Task<(double P50, double P95, double First)> Time(string path, int runs = 30, HttpClient? client = null)
    {
        var times = new List<double>();
        var first = 0.0;
        var warmUp = 3;
        for (var i = 0; i < runs + warmUp; i++)
        {
            // A query this slow fails its target anyway: two more runs tell its spread, without warm-up.
            if (i == 1 && first > 5_000) (runs, warmUp) = (2, 1);
            var watch = Stopwatch.StartNew();
            using var response = await (client ?? http).GetAsync(path);
            await response.Content.ReadAsByteArrayAsync();
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{path}: {(int)response.StatusCode}");
            if (i == 0) first = watch.Elapsed.TotalMilliseconds;
            if (i >= warmUp) times.Add(watch.Elapsed.TotalMilliseconds);
        }
        var sorted = times.Order().ToArray();
        return (P(sorted, 0.5), P(sorted, 0.95), first);
    }

    var day = DateTimeOffset.FromUnixTimeMilliseconds(end - 10L * 24 * 3600 * 1000).UtcDateTime.Date;
    var from30 = DateTimeOffset.FromUnixTimeMilliseconds(end - 30L * 24 * 3600 * 1000).UtcDateTime.ToString("O");
    var cases = new (string Name, string Path, double Target)[]
    {
        ("trace by id (20 observations)", $"/api/public/traces/{bigTraceId}", 50),
        ("trace list, page 1, no filter", "/api/public/traces", 300),
        ("trace list, userId filter", "/api/public/traces?userId=user-42", 300),
        ("trace list, tag filter", "/api/public/traces?tags=tag-7", 300),
        ("trace list, one day", $"/api/public/traces?fromTimestamp={day:O}&toTimestamp={day.AddDays(1):O}", 300),
        ("observation list by trace", $"/api/public/observations?traceId={bigTraceId}", 300),
        ("sessions list", "/api/public/sessions", 300),
        ("daily metrics, 30 days", $"/api/public/metrics/daily?fromTimestamp={from30}&limit=30", 500),
    };
    Console.WriteLine();
    Console.WriteLine("| query | p50 | p95 | target p95 |");
    Console.WriteLine("|---|---|---|---|");
    foreach (var (name, path, target) in cases)
    {
        var (p50, p95, _) = await Time(path, runs: 20);
        Console.WriteLine($"| {name} | {p50:F0} ms | **{p95:F0} ms** | {target:F0} ms {(p95 <= target ? "✓" : "✗")} |");
    }

    // The web app's pages on the same data: each page's data is one feature-endpoint call (the app renders what it
    // gets), timed as a signed-in browser makes it. Target: every page shows its data within a second.
    using var web = new HttpClient(new SocketsHttpHandler { CookieContainer = new System.Net.CookieContainer(), UseCookies = true }) { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(30) };
    var csrf = JsonNode.Parse(await web.GetStringAsync("/api/app/auth/csrf"))!["csrfToken"]!.GetValue<string>();
    using (var signIn = new HttpRequestMessage(HttpMethod.Post, "/api/app/auth/sign-in") { Content = JsonContent.Create(new { email = BenchUserEmail, password = BenchUserPassword }) })
    {
        signIn.Headers.Add("x-csrf-token", csrf);
        (await web.SendAsync(signIn)).EnsureSuccessStatusCode();
    }
    var app = $"/api/app/projects/{projectId}";
    var to = DateTimeOffset.FromUnixTimeMilliseconds(end).UtcDateTime.ToString("O");
    var from7 = DateTimeOffset.FromUnixTimeMilliseconds(end - 7L * 24 * 3600 * 1000).UtcDateTime.ToString("O");
    var fromDay = DateTimeOffset.FromUnixTimeMilliseconds(end - 24L * 3600 * 1000).UtcDateTime.ToString("O");
    // The users page shows its list first and then asks for the listed users' tokens and cost (a second call).
    var listedUsers = JsonNode.Parse(await web.GetStringAsync($"{app}/users?page=1&limit=50"))!["data"]!.AsArray().Select(u => u!["userId"]!.GetValue<string>());
    var usagePath = $"{app}/users/usage?" + string.Join("&", listedUsers.Select(u => "userIds=" + Uri.EscapeDataString(u)));
    var listedSessions = JsonNode.Parse(await web.GetStringAsync($"{app}/sessions?page=1&limit=50"))!["data"]!.AsArray().Select(u => u!["id"]!.GetValue<string>());
    var sessionUsagePath = $"{app}/sessions/usage?" + string.Join("&", listedSessions.Select(u => "sessionIds=" + Uri.EscapeDataString(u)));
    var pages = new (string Name, string Path)[]
    {
        ("traces table, page 1", $"{app}/traces?page=1&limit=50"),
        ("traces table, search by user", $"{app}/traces?page=1&limit=50&search=user-42"),
        ("traces table, latency filter", $"{app}/traces?page=1&limit=50&filter=" + Uri.EscapeDataString("[{\"column\":\"latency\",\"type\":\"number\",\"operator\":\">\",\"value\":1.5}]")),
        ("traces table, latency filter, last day", $"{app}/traces?page=1&limit=50&fromTimestamp={fromDay}&filter=" + Uri.EscapeDataString("[{\"column\":\"latency\",\"type\":\"number\",\"operator\":\">\",\"value\":1.5}]")),
        ("traces table, sorted by latency, last day", $"{app}/traces?page=1&limit=50&fromTimestamp={fromDay}&orderBy=latency.desc"),
        ("traces table, sorted by cost, all time", $"{app}/traces?page=1&limit=50&orderBy=totalCost.desc"),
        ("trace page (20 observations)", $"{app}/traces/{bigTraceId}"),
        ("sessions page (the list)", $"{app}/sessions?page=1&limit=50"),
        ("sessions page, duration and cost of its 50 sessions (second call, filled in after the list shows)", sessionUsagePath),
        ("users page (the list)", $"{app}/users?page=1&limit=50"),
        ("users page, tokens and cost of its 50 users (second call, filled in after the list shows)", usagePath),
        ("observations page (generations)", $"{app}/observations?page=1&limit=50"),
        ("dashboard, 7 days", $"{app}/dashboard?fromTimestamp={from7}&toTimestamp={to}"),
        ("dashboard, 30 days", $"{app}/dashboard?fromTimestamp={from30}&toTimestamp={to}"),
    };
    Console.WriteLine();
    // "first" is the first request of the run: for the dashboard it aggregates the whole days its later requests
    // read from rollups.
    Console.WriteLine("| web app page (its data call) | first | p50 | p95 | target p95 |");
    Console.WriteLine("|---|---|---|---|---|");
    foreach (var (name, path) in pages)
    {
        var (p50, p95, first) = await Time(path, runs: 10, client: web);
        Console.WriteLine($"| {name} | {first:F0} ms | {p50:F0} ms | **{p95:F0} ms** | 1000 ms {(p95 <= 1000 ? "✓" : "✗")} |");
    }

    stopSampling.Cancel();
    await sampler;
    Console.WriteLine();
    Console.WriteLine($"Service memory (RSS) peak during the reads: {peakRss / 1048576} MB");
    service.Kill(true);
    return 0;
}

// GET /api/public/v2/prompts/{name} (label production) at a fixed request rate, open loop: each request's latency
// counts from the moment it was due, so a stall shows up in the percentiles instead of silently lowering the rate.
async Task<int> PromptsBenchmark()
{
    var requestRate = ArgInt("--rate", 1000);
    var name = $"bench-prompt-{run}";
    var create = await http.PostAsync("/api/public/v2/prompts", new StringContent(
        JsonSerializer.Serialize(new { name, prompt = "You are a helpful assistant. Answer {{question}} briefly. " + new string('x', 400), labels = new[] { "production" }, config = new { temperature = 0.2 } }),
        Encoding.UTF8, "application/json"));
    if ((int)create.StatusCode != 201) throw new InvalidOperationException($"could not create the prompt: {create.StatusCode}");
    var url = $"/api/public/v2/prompts/{Uri.EscapeDataString(name)}?label=production";

    async Task<(List<double> Latencies, int Errors)> Run(TimeSpan duration)
    {
        var latencies = new List<double>();
        var errors = 0;
        var inFlight = new List<Task>();
        var watch = Stopwatch.StartNew();
        var sent = 0L;
        async Task One(TimeSpan dueAt)
        {
            try
            {
                using var response = await http.GetAsync(url);
                await response.Content.ReadAsByteArrayAsync();
                var latency = (watch.Elapsed - dueAt).TotalMilliseconds;
                lock (latencies) { latencies.Add(latency); if (!response.IsSuccessStatusCode) errors++; }
            }
            catch (Exception) { lock (latencies) errors++; }
        }
        // A dedicated thread paces the requests (timer resolution would otherwise send them in bursts).
        var pacer = new Thread(() =>
        {
            while (watch.Elapsed < duration)
            {
                var due = (long)(watch.Elapsed.TotalSeconds * requestRate);
                for (; sent < due; sent++)
                {
                    var task = One(TimeSpan.FromSeconds(sent / (double)requestRate));
                    lock (inFlight) inFlight.Add(task);
                }
                Thread.Sleep(1); // ~1 ms on Linux: at most one or two requests are due per wake-up
            }
        }) { IsBackground = true, Priority = ThreadPriority.AboveNormal };
        pacer.Start();
        pacer.Join();
        await Task.WhenAll(inFlight);
        return (latencies, errors);
    }

    Console.WriteLine("Warming up (5 s) ...");
    await Run(TimeSpan.FromSeconds(5));
    Console.WriteLine($"Measuring for {seconds} s at {requestRate:N0} requests/s ...");
    var (measured, failed) = await Run(TimeSpan.FromSeconds(seconds));
    var sorted = measured.OrderBy(x => x).ToArray();
    stopSampling.Cancel();
    await sampler;
    Console.WriteLine();
    Console.WriteLine("| metric | value |");
    Console.WriteLine("|---|---|");
    Console.WriteLine($"| requests | {sorted.Length:N0} in {seconds} s = {sorted.Length / (double)seconds:N0} requests/s |");
    Console.WriteLine($"| latency p50 / p99 / p99.9 / max | {P(sorted, 0.5):F2} / **{P(sorted, 0.99):F2}** / {P(sorted, 0.999):F2} / {sorted.LastOrDefault():F2} ms |");
    Console.WriteLine($"| service memory (RSS) peak | {peakRss / 1048576} MB |");
    Console.WriteLine($"| errors | {failed} |");
    service.Kill(true);
    return failed == 0 ? 0 : 1;
}

async Task<LoadResult> Load(TimeSpan duration, int concurrency, bool record)
{
    var latencies = new List<double>();
    var freshness = new List<double>();
    long events = 0, observations = 0, errors = 0, requests = 0, lastProbeSlot = -1;
    var watch = Stopwatch.StartNew();
    var freshnessChecks = new List<Task>();

    // One request; its latency counts from when it was due (open loop) or sent (closed loop), so a slow service
    // cannot hide its own queueing by delaying the next request (coordinated omission).
    async Task Send(string body, List<string> traceIds, int observationCount, TimeSpan due)
    {
        HttpResponseMessage response;
        try { response = await http.PostAsync("/api/public/ingestion", new StringContent(body, Encoding.UTF8, "application/json")); }
        catch (Exception) { Interlocked.Increment(ref errors); return; }
        var ms = (watch.Elapsed - due).TotalMilliseconds;
        var text = await response.Content.ReadAsStringAsync();
        if ((int)response.StatusCode != 207 || text.Contains("\"status\":400")) { Interlocked.Increment(ref errors); return; }
        var acceptedAt = Stopwatch.GetTimestamp();
        Interlocked.Add(ref events, 100);
        Interlocked.Add(ref observations, observationCount);
        Interlocked.Increment(ref requests);
        if (!record) return;
        lock (latencies) latencies.Add(ms);
        // Two sampled traces a second whatever the rate, so that the probes' reads stay a fixed, small load.
        var slot = (long)(watch.Elapsed.TotalMilliseconds / 500);
        if (probesOn && Interlocked.Exchange(ref lastProbeSlot, slot) != slot)
        {
            var check = CheckFreshness(traceIds[0], acceptedAt);
            var sampledAt = DateTime.UtcNow;
            lock (freshnessChecks) freshnessChecks.Add(check.ContinueWith(t =>
            {
                lock (freshness) freshness.Add(t.Result);
                // With debug logging, each sample beside the service's round lines (same clock) tells which rounds made it late.
                if (traceSamples) Console.Error.WriteLine($"sample {sampledAt:HH:mm:ss.fff} readable after {t.Result:F0} ms");
            }));
        }
    }

    if (rate > 0)
    {
        // Open loop: request i is due at i × (100 events / rate) and goes out then, however many are still in flight.
        var random = new Random(record ? 1 : 0);
        var interval = TimeSpan.FromSeconds(100.0 / rate);
        var inFlight = new List<Task>();
        for (var i = 0; ; i++)
        {
            var due = interval * i;
            if (due >= duration) break;
            var (body, traceIds, observationCount) = Batch(random);
            var wait = due - watch.Elapsed;
            if (wait > TimeSpan.Zero) await Task.Delay(wait);
            inFlight.Add(Send(body, traceIds, observationCount, due));
        }
        await Task.WhenAll(inFlight);
    }
    else
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async worker =>
        {
            var random = new Random(worker * 7919 + (record ? 1 : 0));
            while (watch.Elapsed < duration)
            {
                var (body, traceIds, observationCount) = Batch(random);
                await Send(body, traceIds, observationCount, watch.Elapsed);
            }
        }));
    var elapsed = watch.Elapsed;
    // The sampled traces are still being probed: the caller measures the drain first, then awaits them.
    Task probes;
    lock (freshnessChecks) probes = Task.WhenAll(freshnessChecks.ToList());
    return new LoadResult(events, observations, errors, elapsed, latencies, freshness, probes);
}

// Time from 207 to the whole trace being readable. Polled every 100 ms for the first 2 s, then every second: a
// backlog must not multiply the probes' own reads (at 10 polls a second each, a 30 s backlog once made the probes
// ClickHouse's largest load). A trace still incomplete after 30 s counts as infinitely late in the percentiles.
async Task<double> CheckFreshness(string traceId, long acceptedAt)
{
    var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 30;
    var last = "";
    while (Stopwatch.GetTimestamp() < deadline)
    {
        using var response = await http.GetAsync($"/api/public/traces/{traceId}");
        last = $"{(int)response.StatusCode}";
        if (response.IsSuccessStatusCode)
        {
            var trace = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            var observations = trace["observations"]!.AsArray();
            var updated = observations.Count(o => o!["output"] is not null && o["type"]!.GetValue<string>() == "SPAN" && o["endTime"] is not null);
            if (observations.Count == 6 && trace["scores"]!.AsArray().Count == 1 && updated >= 2)
                return Stopwatch.GetElapsedTime(acceptedAt).TotalMilliseconds;
        }
        await Task.Delay(Stopwatch.GetElapsedTime(acceptedAt) < TimeSpan.FromSeconds(2) ? 100 : 1000);
    }
    if (Interlocked.Increment(ref freshnessFailures) <= 3) Console.Error.WriteLine($"trace {traceId} not complete after 30 s (last status {last})");
    return double.PositiveInfinity;
}

// 100 events: 10 traces × (trace, 3 spans, 2 generations with usage, 1 event, 2 span updates, 1 score).
(string Body, List<string> TraceIds, int Observations) Batch(Random random)
{
    var now = DateTime.UtcNow;
    string Ts(int ms) => now.AddMilliseconds(ms).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'");
    var batch = new JsonArray();
    var traceIds = new List<string>();
    void Add(string type, JsonObject body, int at) =>
        batch.Add(new JsonObject { ["id"] = Guid.NewGuid().ToString(), ["type"] = type, ["timestamp"] = Ts(at), ["body"] = body });
    for (var t = 0; t < 10; t++)
    {
        var traceId = Guid.NewGuid().ToString();
        traceIds.Add(traceId);
        Add("trace-create", new JsonObject
        {
            ["id"] = traceId, ["name"] = $"chat-{random.Next(300)}", ["userId"] = $"user-{random.Next(1000)}", ["sessionId"] = $"session-{random.Next(10000)}",
            ["tags"] = new JsonArray("bench", $"tag-{random.Next(20)}"), ["input"] = Text(random), ["metadata"] = new JsonObject { ["region"] = "eu", ["attempt"] = random.Next(3) },
        }, 0);
        for (var s = 0; s < 3; s++)
            Add("span-create", new JsonObject { ["id"] = $"{traceId}-s{s}", ["traceId"] = traceId, ["name"] = $"step-{s}", ["startTime"] = Ts(s * 10), ["input"] = Text(random) }, 1);
        for (var g = 0; g < 2; g++)
            Add("generation-create", new JsonObject
            {
                ["id"] = $"{traceId}-g{g}", ["traceId"] = traceId, ["parentObservationId"] = $"{traceId}-s0", ["name"] = "llm", ["model"] = g == 0 ? "gpt-4o-mini" : "claude-3-5-sonnet-20241022",
                ["input"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = Text(random) }), ["output"] = Text(random),
                ["usage"] = new JsonObject { ["input"] = random.Next(100, 2000), ["output"] = random.Next(10, 500) }, ["startTime"] = Ts(20), ["endTime"] = Ts(900),
            }, 2);
        Add("event-create", new JsonObject { ["id"] = $"{traceId}-e", ["traceId"] = traceId, ["name"] = "cache-miss", ["level"] = "WARNING" }, 3);
        for (var u = 1; u < 3; u++)
            Add("span-update", new JsonObject { ["id"] = $"{traceId}-s{u}", ["traceId"] = traceId, ["output"] = Text(random), ["endTime"] = Ts(950) }, 4);
        Add("score-create", new JsonObject { ["id"] = $"{traceId}-score", ["traceId"] = traceId, ["name"] = "quality", ["value"] = random.NextDouble() }, 5);
    }
    return (new JsonObject { ["batch"] = batch }.ToJsonString(), traceIds, 60);
}

static string Text(Random random)
{
    const string words = "the quick brown fox jumps over the lazy dog while a language model answers questions about invoices refunds and shipping ";
    var sb = new StringBuilder(520);
    while (sb.Length < 500) sb.Append(words, random.Next(0, 40), 40);
    return sb.ToString();
}

// The reference the stored rate is reported against: how fast ClickHouse itself takes rows shaped like the event
// log (this benchmark's own events as bodies) straight over HTTP, into a scratch copy of the table.
async Task<double> RawInsertRate()
{
    var random = new Random(42);
    var lines = new List<string>();
    while (lines.Count < 200_000)
        foreach (var e in JsonNode.Parse(Batch(random).Body)!["batch"]!.AsArray())
            lines.Add(new JsonObject
            {
                ["project_id"] = "raw-reference", ["entity_type"] = "observation", ["entity_id"] = Guid.NewGuid().ToString(), ["event_id"] = e!["id"]!.GetValue<string>(),
                ["event_type"] = e["type"]!.GetValue<string>(), ["event_ts"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), ["received_at"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
                ["body"] = e["body"]!.ToJsonString(),
            }.ToJsonString());
    await ClickHouse("DROP TABLE IF EXISTS bench_raw_events");
    await ClickHouse("CREATE TABLE bench_raw_events AS ingestion_events");
    var watch = Stopwatch.StartNew();
    foreach (var chunk in lines.Chunk(20_000))
        await ClickHouse("INSERT INTO bench_raw_events FORMAT JSONEachRow\n" + string.Join('\n', chunk));
    var rate = lines.Count / watch.Elapsed.TotalSeconds;
    await ClickHouse("DROP TABLE bench_raw_events");
    return rate;
}

async Task<string> ClickHouse(string sql)
{
    using var ch = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
    var url = Environment.GetEnvironmentVariable("CLICKHOUSE_URL")!.TrimEnd('/') + "/?database=" + Environment.GetEnvironmentVariable("CLICKHOUSE_DB");
    using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(sql) };
    request.Headers.Add("X-ClickHouse-User", Environment.GetEnvironmentVariable("CLICKHOUSE_USER"));
    request.Headers.Add("X-ClickHouse-Key", Environment.GetEnvironmentVariable("CLICKHOUSE_PASSWORD"));
    using var response = await ch.SendAsync(request);
    var text = await response.Content.ReadAsStringAsync();
    if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"ClickHouse: {text}");
    return text;
}

// Waits until `expected` observations are stored (at most 5 minutes) and returns how many are. Counting distinct
// observation ids reads every id of the project (~200 ms of ClickHouse time at 300,000; 2.9 s of ClickHouse's CPU in a
// closed-loop run, counted against the worker it was timing), so the polls count rows instead, which reads one narrow
// key column, and the distinct ids are counted once the rows are all there (rows of a refolded observation count twice
// until merged: the exact count then decides). The next poll is due about when the backlog should be gone at the rate
// it drained since the last one: 200 ms near the end, at most 2 s.
async Task<long> WaitStored(long expected, Stopwatch watch)
{
    await PollUntil(expected, CountStoredRows, watch);
    return await PollUntil(expected, CountStoredObservations, watch);
}

async Task<long> PollUntil(long expected, Func<Task<long>> count, Stopwatch watch)
{
    var (stored, at) = (await count(), watch.Elapsed);
    var wait = TimeSpan.FromMilliseconds(200);
    while (stored < expected && watch.Elapsed < TimeSpan.FromMinutes(5))
    {
        await Task.Delay(wait);
        var (previous, previousAt) = (stored, at);
        (stored, at) = (await count(), watch.Elapsed);
        var perSecond = (stored - previous) / (at - previousAt).TotalSeconds;
        wait = TimeSpan.FromSeconds(perSecond > 0 ? Math.Clamp((expected - stored) / perSecond / 2, 0.2, 2) : 0.2);
    }
    return stored;
}

async Task<long> CountStoredObservations() =>
    long.Parse((await ClickHouse($"SELECT uniqExact(id) FROM observations WHERE project_id = '{projectId}'")).Trim());

async Task<long> CountStoredRows() =>
    long.Parse((await ClickHouse($"SELECT count() FROM observations WHERE project_id = '{projectId}'")).Trim());

Process StartService()
{
    var start = new ProcessStartInfo("dotnet", [appDll]) { WorkingDirectory = Path.GetDirectoryName(appDll)!, RedirectStandardOutput = true, RedirectStandardError = true };
    start.Environment["PORT"] = port.ToString();
    start.Environment["HOSTNAME"] = "127.0.0.1";
    start.Environment["LANGFUSE_LOG_LEVEL"] = Environment.GetEnvironmentVariable("BENCH_LOG_LEVEL") ?? "warn";
    start.Environment["LANGFUSE_INIT_ORG_ID"] = "bench-org";
    start.Environment["LANGFUSE_INIT_PROJECT_ID"] = projectId;
    start.Environment["LANGFUSE_INIT_PROJECT_PUBLIC_KEY"] = pk;
    start.Environment["LANGFUSE_INIT_PROJECT_SECRET_KEY"] = sk;
    start.Environment["LANGFUSE_INIT_USER_EMAIL"] = BenchUserEmail;
    start.Environment["LANGFUSE_INIT_USER_PASSWORD"] = BenchUserPassword;
    // BENCH_SERVICE_X=v sets X=v for the service alone (runtime settings to try without touching the load generator's).
    foreach (System.Collections.DictionaryEntry variable in Environment.GetEnvironmentVariables())
        if (variable.Key is string name && name.StartsWith("BENCH_SERVICE_", StringComparison.Ordinal))
            start.Environment[name["BENCH_SERVICE_".Length..]] = variable.Value as string;
    var process = Process.Start(start)!;
    process.OutputDataReceived += (_, e) => { if (e.Data?.Contains("\"@l\":\"Error\"") == true || e.Data?.Contains("Stored ") == true) Console.Error.WriteLine(e.Data); };
    process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine(e.Data); };
    process.BeginOutputReadLine();
    process.BeginErrorReadLine();
    return process;
}

async Task WaitHealthy()
{
    var watch = Stopwatch.StartNew();
    while (watch.Elapsed < TimeSpan.FromSeconds(60))
    {
        if (service.HasExited) throw new InvalidOperationException($"the service exited with code {service.ExitCode} (is port {port} taken?)");
        try { if ((await http.GetAsync("/api/public/health")).IsSuccessStatusCode) { Console.WriteLine($"Service healthy after {watch.Elapsed.TotalSeconds:F1} s"); return; } }
        catch (HttpRequestException) { }
        await Task.Delay(100);
    }
    throw new TimeoutException("service did not start");
}

static long Rss(int pid)
{
    try
    {
        var line = File.ReadAllLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:"));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
    }
    catch (Exception e) { Console.Error.WriteLine($"cannot read memory of {pid}: {e.Message}"); return 0; }
}

static string Ms(double ms) => double.IsInfinity(ms) ? "> 30000" : ms.ToString("F0");

static double P(double[] sorted, double q) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];

int ArgInt(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var v) ? v : fallback;
}

sealed record LoadResult(long Events, long TotalObservations, long Errors, TimeSpan Elapsed, List<double> Latencies, List<double> Freshness, Task Probes);
