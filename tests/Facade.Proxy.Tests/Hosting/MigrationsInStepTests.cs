using Facade.Proxy.Data;
using Facade.Testing;
using Microsoft.EntityFrameworkCore;

namespace Facade.Proxy.Tests.Hosting;

/// <summary>
/// The model and each provider's migrations agree: a model change that got a SQLite migration but no PostgreSQL one
/// (or the reverse) fails here. Add the missing one with
/// <c>dotnet ef migrations add Name --project proxy --context PostgreSqlFacadeDbContext --output-dir Data/Migrations/PostgreSql</c>
/// (or <c>--context Facade.Proxy.Data.FacadeDbContext --output-dir Data/Migrations</c>).
/// </summary>
public sealed class MigrationsInStepTests
{
    [Fact]
    public void Sqlite_HasNoModelChangeWithoutAMigration()
    {
        using var db = new FacadeDbContext(new DbContextOptionsBuilder<FacadeDbContext>().UseSqlite("Data Source=:memory:").UseOpenIddict().Options);
        Assert.False(db.Database.HasPendingModelChanges(), "The SQLite migrations (proxy/Data/Migrations) miss a model change.");
    }

    [Fact]
    public void PostgreSql_HasNoModelChangeWithoutAMigration()
    {
        using var db = new PostgreSqlFacadeDbContext(new DbContextOptionsBuilder<PostgreSqlFacadeDbContext>().UseNpgsql("Host=unused").UseOpenIddict().Options);
        Assert.False(db.Database.HasPendingModelChanges(), "The PostgreSQL migrations (proxy/Data/Migrations/PostgreSql) miss a model change.");
    }

    [Fact]
    public void BothProviders_MapTheSameTablesAndColumns()
    {
        using var sqlite = new FacadeDbContext(new DbContextOptionsBuilder<FacadeDbContext>().UseSqlite("Data Source=:memory:").UseOpenIddict().Options);
        using var postgres = new PostgreSqlFacadeDbContext(new DbContextOptionsBuilder<PostgreSqlFacadeDbContext>().UseNpgsql("Host=unused").UseOpenIddict().Options);

        Assert.Equal(ModelColumns.Of(sqlite), ModelColumns.Of(postgres));
    }
}
