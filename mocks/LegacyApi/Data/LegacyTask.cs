namespace Facade.Mocks.LegacyApi.Data;

internal sealed record Organization(string Id, string Name);

internal sealed record LegacyTask(
    string Id,
    string Title,
    string Status,
    string OrganizationId,
    string? Assignee,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

internal static class TaskStatuses
{
    public const string Open = "open";
    public const string InProgress = "in_progress";
    public const string Done = "done";

    public static readonly IReadOnlyList<string> All = [Open, InProgress, Done];

    public static bool IsValid(string? status) => status is Open or InProgress or Done;
}
