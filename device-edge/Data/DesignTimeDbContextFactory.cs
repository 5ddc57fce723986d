using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Facade.DeviceEdge.Data;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without starting the service (or its broker).</summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<DeviceEdgeDbContext>
{
    public DeviceEdgeDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<DeviceEdgeDbContext>().UseSqlite("Data Source=design-time.db").Options);
}
