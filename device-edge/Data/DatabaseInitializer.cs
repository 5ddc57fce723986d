using Microsoft.EntityFrameworkCore;

namespace Facade.DeviceEdge.Data;

/// <summary>Applies EF Core migrations before anything else starts; SQLite runs in WAL mode for concurrent readers.</summary>
internal sealed class DatabaseInitializer(IDbContextFactory<DeviceEdgeDbContext> contexts) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken) => await MigrateAsync(contexts, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public static async Task MigrateAsync(IDbContextFactory<DeviceEdgeDbContext> contexts, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (db.Database.IsSqlite())
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
            await db.Database.CloseConnectionAsync();
        }

        await db.Database.MigrateAsync(cancellationToken);
    }
}
