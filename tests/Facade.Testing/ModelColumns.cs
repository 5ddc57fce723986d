using Microsoft.EntityFrameworkCore;

namespace Facade.Testing;

/// <summary>Every "table.column" an EF Core model maps, sorted: two providers' models compare equal when they map the same schema.</summary>
public static class ModelColumns
{
    public static List<string> Of(DbContext db)
    {
        ArgumentNullException.ThrowIfNull(db);
        return [.. db.Model.GetEntityTypes()
            .SelectMany(e => e.GetProperties().Select(p => $"{e.GetTableName()}.{p.GetColumnName()}"))
            .Order(StringComparer.Ordinal)];
    }
}
