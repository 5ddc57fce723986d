// The benchmark's plain YARP peer: the same YARP version as the edge, one catch-all route to one destination, no
// authentication. Usage: Facade.Bench.PlainYarp --urls http://127.0.0.1:18002 --Backend http://127.0.0.1:18001/
using Yarp.ReverseProxy.Configuration;

var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);

var backend = builder.Configuration["Backend"] ?? throw new InvalidOperationException("--Backend <url> is required.");
builder.Services.AddReverseProxy().LoadFromMemory(
    [new RouteConfig { RouteId = "all", ClusterId = "backend", Match = new RouteMatch { Path = "/{**rest}" } }],
    [new ClusterConfig { ClusterId = "backend", Destinations = new Dictionary<string, DestinationConfig> { ["primary"] = new() { Address = backend } } }]);

var app = builder.Build();
app.MapReverseProxy();
await app.RunAsync();
