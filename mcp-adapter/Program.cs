using Facade.Common;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.ListenOnLoopbackByDefault(port: 5010);
builder.AddMcpAdapter();

var app = builder.Build();

app.UseJsonExceptionHandler();
app.UseJsonStatusCodePages();
app.MapDefaultEndpoints();
app.MapMcpAdapter();

await app.RunAsync();
