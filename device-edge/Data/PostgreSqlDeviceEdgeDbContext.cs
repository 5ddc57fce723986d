using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Facade.DeviceEdge.Data;

/// <summary>The device edge's model on PostgreSQL (<c>DeviceEdge:DatabaseProvider=PostgreSql</c>), with its migrations in <c>Data/Migrations/PostgreSql</c>.</summary>
public sealed class PostgreSqlDeviceEdgeDbContext(DbContextOptions<PostgreSqlDeviceEdgeDbContext> options) : DeviceEdgeDbContext(options);

/// <summary>
/// Lets <c>dotnet ef migrations add X --context PostgreSqlDeviceEdgeDbContext --output-dir Data/Migrations/PostgreSql</c>
/// build the model without a server (adding a migration never connects).
/// </summary>
internal sealed class PostgreSqlDesignTimeDbContextFactory : IDesignTimeDbContextFactory<PostgreSqlDeviceEdgeDbContext>
{
    public PostgreSqlDeviceEdgeDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgreSqlDeviceEdgeDbContext>().UseNpgsql("Host=localhost;Database=devices_design").Options);
}
