using Facade.Proxy.Data;
using Facade.Proxy.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Facade.Proxy.Account;

/// <summary>Development only: makes sure the demo user exists and says so. Production seeds nothing.</summary>
internal sealed partial class AccountSeeder(
    IServiceScopeFactory scopes,
    IHostEnvironment environment,
    IOptions<FacadeOptions> options,
    ILogger<AccountSeeder> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!environment.IsDevelopment() || !options.Value.SeedDemoUser)
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<FacadeUser>>();
        if (await users.FindByNameAsync(AccountOptions.DemoUserName) is null)
        {
            var demo = new FacadeUser
            {
                UserName = AccountOptions.DemoUserName,
                DisplayName = "Demo User",
                Email = "demo@facade.example",
                EmailConfirmed = true,
            };
            var result = await users.CreateAsync(demo, AccountOptions.DemoPassword);
            if (!result.Succeeded)
            {
                throw new InvalidOperationException("Could not seed the demo user: " + string.Join("; ", result.Errors.Select(e => e.Description)));
            }
        }

        LogDemoUser(logger, AccountOptions.DemoUserName);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // The demo password is public knowledge (README); printing it is the point of Development mode.
    [LoggerMessage(Level = LogLevel.Warning, Message = "Development mode: demo user '{UserName}' is available (its password is in README's quick start)")]
    private static partial void LogDemoUser(ILogger logger, string userName);
}
