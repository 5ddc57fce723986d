namespace Facade.Mocks.LegacyApi.Data;

/// <summary>Thread-safe in-memory state for one server instance; WireMock runs callbacks concurrently.</summary>
internal sealed class LegacyStore
{
    public const int MaxPageSize = 50;
    public const int MaxTitleLength = 200;

    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly List<LegacyTask> _tasks = [];
    private readonly Dictionary<string, Organization> _organizations = new(StringComparer.Ordinal);
    private int _lastId;

    public LegacyStore(TimeProvider time)
    {
        _time = time;
        Seed();
    }

    public IReadOnlyList<Organization> Organizations()
    {
        lock (_gate)
        {
            return [.. _organizations.Values];
        }
    }

    public bool OrganizationExists(string id)
    {
        lock (_gate)
        {
            return _organizations.ContainsKey(id);
        }
    }

    public IReadOnlyList<LegacyTask> Query(string? status, string? organizationId, int limit)
    {
        lock (_gate)
        {
            return [.. _tasks
                .Where(t => status is null || t.Status == status)
                .Where(t => organizationId is null || t.OrganizationId == organizationId)
                .Take(Math.Min(limit, MaxPageSize))];
        }
    }

    public LegacyTask? Find(string id)
    {
        lock (_gate)
        {
            return _tasks.Find(t => t.Id == id);
        }
    }

    public LegacyTask Add(string title, string organizationId, string status, string? assignee)
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            var task = new LegacyTask($"task-{++_lastId}", title, status, organizationId, assignee, now, now);
            _tasks.Add(task);
            return task;
        }
    }

    /// <summary>Applies <paramref name="change"/> atomically; null when the task does not exist.</summary>
    public LegacyTask? Update(string id, Func<LegacyTask, LegacyTask> change)
    {
        lock (_gate)
        {
            var index = _tasks.FindIndex(t => t.Id == id);
            if (index < 0)
            {
                return null;
            }

            var updated = change(_tasks[index]) with { Id = id, UpdatedAt = _time.GetUtcNow() };
            _tasks[index] = updated;
            return updated;
        }
    }

    private void Seed()
    {
        Organization[] organizations = [new("org-1", "Acme"), new("org-2", "Globex"), new("org-3", "Initech")];
        foreach (var organization in organizations)
        {
            _organizations.Add(organization.Id, organization);
        }

        (string Title, string Status, string Org, string? Assignee)[] seed =
        [
            ("Migrate billing exports", TaskStatuses.Open, "org-1", "alice"),
            ("Renew TLS certificates", TaskStatuses.Done, "org-1", "bob"),
            ("Review access policies", TaskStatuses.InProgress, "org-1", "alice"),
            ("Archive 2019 invoices", TaskStatuses.Open, "org-1", null),
            ("Upgrade reporting database", TaskStatuses.Open, "org-2", "carol"),
            ("Rotate service credentials", TaskStatuses.Done, "org-2", "dave"),
            ("Document legacy endpoints", TaskStatuses.InProgress, "org-2", "carol"),
            ("Fix nightly import job", TaskStatuses.Open, "org-3", "erin"),
            ("Decommission old FTP server", TaskStatuses.Done, "org-3", null),
            ("Plan Q3 capacity", TaskStatuses.InProgress, "org-3", "frank"),
        ];

        var origin = new DateTimeOffset(2024, 1, 15, 9, 0, 0, TimeSpan.Zero);
        foreach (var (title, status, org, assignee) in seed)
        {
            var created = origin.AddDays(_lastId);
            _tasks.Add(new LegacyTask($"task-{++_lastId}", title, status, org, assignee, created, created.AddHours(6)));
        }
    }
}
