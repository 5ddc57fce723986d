using Microsoft.EntityFrameworkCore;

namespace Facade.Proxy.Data;

/// <summary>Applies EF Core migrations before the server accepts requests; SQLite runs in WAL mode for concurrent readers.</summary>
internal sealed class DatabaseInitializer(IServiceScopeFactory scopes) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        await PrepareAsync(scope.ServiceProvider.GetRequiredService<FacadeDbContext>(), cancellationToken);
    }

    /// <summary>What the server does before it starts, and what the admin commands do too (they may run beside it).</summary>
    public static async Task PrepareAsync(FacadeDbContext db, CancellationToken cancellationToken)
    {
        if (db.Database.IsSqlite())
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
            await db.Database.CloseConnectionAsync();
        }

        await db.Database.MigrateAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
