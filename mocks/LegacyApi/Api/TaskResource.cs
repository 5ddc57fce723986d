using Facade.Mocks.LegacyApi.Data;

namespace Facade.Mocks.LegacyApi.Api;

/// <summary>Wire shape of a task; UTC <see cref="DateTime"/> serializes as ISO-8601 with a trailing Z.</summary>
internal sealed record TaskResource(
    string Id,
    string Title,
    string Status,
    string OrganizationId,
    string? Assignee,
    DateTime CreatedAt,
    DateTime UpdatedAt)
{
    public static TaskResource From(LegacyTask task) => new(
        task.Id,
        task.Title,
        task.Status,
        task.OrganizationId,
        task.Assignee,
        task.CreatedAt.UtcDateTime,
        task.UpdatedAt.UtcDateTime);
}
