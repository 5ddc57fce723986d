using Facade.Common;
using Facade.Proxy.Admin;

if (AdminCommands.IsAdminCommand(args))
{
    return await AdminCommands.RunAsync(args, Console.In, Console.Out);
}

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddFacadeHosting();
builder.AddFacadeData();
builder.AddKeys();
builder.AddTokenLedger();
builder.AddCluster();
builder.AddApiKeys();
builder.AddFirstPartyTokens();
builder.AddAccounts();
builder.AddUserConsole();
builder.AddAuthorizationServer();
builder.AddFederation();
builder.AddClientRegistration();
builder.AddEdgeProxy();
builder.AddRealtime();

var app = builder.Build();

app.UseFacadeHosting();
app.MapDefaultEndpoints();
app.MapDiscovery();
app.MapAuthorizationServer();
app.MapRevocationFeed();
app.MapClientRegistration();
app.MapAccounts();
app.MapUserConsole();
app.MapApiKeys();
app.MapFirstPartyTokens();
app.MapFederation();
app.MapRealtime();
app.MapEdgeProxy();

await app.RunAsync();
return 0;

/// <summary>Entry point, public so tests can start the real edge with <c>WebApplicationFactory</c>-style hosts.</summary>
public partial class Program;
