using Facade.DeviceEdge.Data;
using Facade.Testing;
using Microsoft.EntityFrameworkCore;

namespace Facade.DeviceEdge.Tests.Hosting;

/// <summary>
/// The model and each provider's migrations agree: a model change with a SQLite migration but no PostgreSQL one (or the
/// reverse) fails here. Add the missing one with
/// <c>dotnet ef migrations add Name --project device-edge --context PostgreSqlDeviceEdgeDbContext --output-dir Data/Migrations/PostgreSql</c>
/// (or <c>--context Facade.DeviceEdge.Data.DeviceEdgeDbContext --output-dir Data/Migrations</c>).
/// </summary>
public sealed class MigrationsInStepTests
{
    [Fact]
    public void Sqlite_HasNoModelChangeWithoutAMigration()
    {
        using var db = Sqlite();
        Assert.False(db.Database.HasPendingModelChanges(), "The SQLite migrations (device-edge/Data/Migrations) miss a model change.");
    }

    [Fact]
    public void PostgreSql_HasNoModelChangeWithoutAMigration()
    {
        using var db = PostgreSql();
        Assert.False(db.Database.HasPendingModelChanges(), "The PostgreSQL migrations (device-edge/Data/Migrations/PostgreSql) miss a model change.");
    }

    [Fact]
    public void BothProviders_MapTheSameTablesAndColumns()
    {
        using var sqlite = Sqlite();
        using var postgres = PostgreSql();
        Assert.Equal(ModelColumns.Of(sqlite), ModelColumns.Of(postgres));
    }

    private static DeviceEdgeDbContext Sqlite() => new(new DbContextOptionsBuilder<DeviceEdgeDbContext>().UseSqlite("Data Source=:memory:").Options);

    private static PostgreSqlDeviceEdgeDbContext PostgreSql() =>
        new(new DbContextOptionsBuilder<PostgreSqlDeviceEdgeDbContext>().UseNpgsql("Host=unused").Options);
}
