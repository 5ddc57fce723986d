// The benchmark's trivial backend: GET /api/tasks answers a fixed JSON document of a few hundred bytes, nothing else
// runs per request (no WireMock, no logging). Usage: Facade.Bench.Backend --urls http://127.0.0.1:18001
using System.Text;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);

var app = builder.Build();

var tasks = Encoding.UTF8.GetBytes("""
    {"items":[{"id":"t-1001","title":"Rotate the signing certificate","status":"open","assignee":"alice","due":"2026-01-15"},{"id":"t-1002","title":"Review the consent page copy","status":"in_progress","assignee":"bob","due":"2026-01-20"},{"id":"t-1003","title":"Archive last quarter's audit log","status":"done","assignee":"carol","due":"2025-12-31"}],"total":3,"page":1}
    """);

app.MapGet("/api/tasks", () => Results.Bytes(tasks, "application/json"));
app.MapGet("/healthz", () => Results.Text("ok"));

await app.RunAsync();
