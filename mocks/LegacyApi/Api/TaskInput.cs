using System.Text.Json;
using Facade.Mocks.LegacyApi.Data;

namespace Facade.Mocks.LegacyApi.Api;

internal enum TaskInputMode
{
    Create,
    Replace,
    Patch,
}

/// <summary>
/// A validated task body. Each <c>Has*</c> flag says whether the field was sent, so PATCH can tell
/// "leave unchanged" (absent) from "clear" (<c>"assignee": null</c>).
/// </summary>
internal sealed record TaskInput(
    string? Title,
    bool HasTitle,
    string? Status,
    bool HasStatus,
    string? OrganizationId,
    bool HasOrganizationId,
    string? Assignee,
    bool HasAssignee)
{
    public const int MaxAssigneeLength = 100;

    private static readonly string StatusList = string.Join(", ", TaskStatuses.All);

    public static bool TryParse(JsonElement body, TaskInputMode mode, LegacyStore store, out TaskInput input, out string error)
    {
        input = null!;
        error = string.Empty;

        var hasTitle = TryGet(body, "title", out var titleElement);
        var hasStatus = TryGet(body, "status", out var statusElement);
        var hasOrganization = TryGet(body, "organizationId", out var organizationElement);
        var hasAssignee = TryGet(body, "assignee", out var assigneeElement);

        string? title = null;
        if (hasTitle || mode != TaskInputMode.Patch)
        {
            if (!hasTitle || titleElement.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(titleElement.GetString()))
            {
                error = "title is required and must be a non-empty string.";
                return false;
            }

            title = titleElement.GetString()!.Trim();
            if (title.Length > LegacyStore.MaxTitleLength)
            {
                error = $"title must be at most {LegacyStore.MaxTitleLength} characters.";
                return false;
            }
        }

        string? status = null;
        var statusRequired = mode == TaskInputMode.Replace;
        var statusOmitted = !hasStatus || (mode == TaskInputMode.Create && statusElement.ValueKind == JsonValueKind.Null);
        if (statusOmitted && statusRequired)
        {
            error = $"status is required and must be one of: {StatusList}.";
            return false;
        }

        if (!statusOmitted)
        {
            status = statusElement.ValueKind == JsonValueKind.String ? statusElement.GetString() : null;
            if (!TaskStatuses.IsValid(status))
            {
                error = $"status must be one of: {StatusList}.";
                return false;
            }
        }
        else if (mode == TaskInputMode.Create)
        {
            status = TaskStatuses.Open;
            hasStatus = true;
        }

        string? organizationId = null;
        if (hasOrganization || mode == TaskInputMode.Create)
        {
            if (!hasOrganization || organizationElement.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(organizationElement.GetString()))
            {
                error = "organizationId is required and must be a non-empty string.";
                return false;
            }

            organizationId = organizationElement.GetString()!;
            if (!store.OrganizationExists(organizationId))
            {
                error = $"organizationId '{organizationId}' does not exist.";
                return false;
            }
        }

        string? assignee = null;
        if (hasAssignee)
        {
            switch (assigneeElement.ValueKind)
            {
                case JsonValueKind.Null:
                    break;
                case JsonValueKind.String:
                    assignee = assigneeElement.GetString()!.Trim();
                    if (assignee.Length == 0)
                    {
                        assignee = null;
                    }
                    else if (assignee.Length > MaxAssigneeLength)
                    {
                        error = $"assignee must be at most {MaxAssigneeLength} characters.";
                        return false;
                    }

                    break;
                default:
                    error = "assignee must be a string or null.";
                    return false;
            }
        }

        input = new TaskInput(title, hasTitle, status, hasStatus, organizationId, hasOrganization, assignee, hasAssignee);
        return true;
    }

    /// <summary>PUT replaces every editable field (an omitted assignee is cleared); PATCH only the fields sent.</summary>
    public LegacyTask ApplyTo(LegacyTask task, TaskInputMode mode) => task with
    {
        Title = HasTitle ? Title! : task.Title,
        Status = HasStatus ? Status! : task.Status,
        OrganizationId = HasOrganizationId ? OrganizationId! : task.OrganizationId,
        Assignee = HasAssignee || mode == TaskInputMode.Replace ? Assignee : task.Assignee,
    };

    private static bool TryGet(JsonElement body, string name, out JsonElement value) =>
        body.TryGetProperty(name, out value);
}
