using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Facade.Proxy.Data;

/// <summary>The edge's model on PostgreSQL (<c>Facade:DatabaseProvider=PostgreSql</c>), with its migrations in <c>Data/Migrations/PostgreSql</c>.</summary>
public sealed class PostgreSqlFacadeDbContext(DbContextOptions<PostgreSqlFacadeDbContext> options) : FacadeDbContext(options);

/// <summary>
/// Lets <c>dotnet ef migrations add X --context Facade.Proxy.Data.FacadeDbContext</c> build the SQLite model without the
/// host (given the base type's name alone, the tool would otherwise pick the subclass).
/// </summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<FacadeDbContext>
{
    public FacadeDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<FacadeDbContext>().UseSqlite("Data Source=design-time.db").UseOpenIddict().Options);
}

/// <summary>
/// Lets <c>dotnet ef migrations add X --context PostgreSqlFacadeDbContext --output-dir Data/Migrations/PostgreSql</c>
/// build the model without a server (adding a migration never connects).
/// </summary>
internal sealed class PostgreSqlDesignTimeFactory : IDesignTimeDbContextFactory<PostgreSqlFacadeDbContext>
{
    public PostgreSqlFacadeDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgreSqlFacadeDbContext>().UseNpgsql("Host=localhost;Database=facade_design").UseOpenIddict().Options);
}
