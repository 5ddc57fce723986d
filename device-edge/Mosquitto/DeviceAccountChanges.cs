using System.Runtime.CompilerServices;
using Facade.DeviceEdge.Registry;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Facade.DeviceEdge.Mosquitto;

/// <summary>
/// Rewrites mosquitto's files after every committed save that creates or deletes a device or changes its secret,
/// whichever code saved it (REST provisioning and rotation, the admin CLI, features to come), before the save returns:
/// when <c>POST /devices</c> answers, the files already hold the new device. Bulk updates that bypass the change tracker
/// (<c>ExecuteDelete</c>) are not seen here; their callers sync themselves, and the periodic resync catches the rest.
/// </summary>
internal sealed class DeviceAccountChanges(IServiceProvider services) : SaveChangesInterceptor
{
    private static readonly object Pending = new();
    private readonly ConditionalWeakTable<DbContext, object> _pending = new();

    // Resolved late: the accounts read the registry through the context factory, whose options include this interceptor.
    private MosquittoAccounts Accounts => field ??= services.GetRequiredService<MosquittoAccounts>();

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Note(eventData);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        Note(eventData);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        if (Take(eventData))
        {
            Accounts.SyncAsync(CancellationToken.None).GetAwaiter().GetResult();
        }

        return result;
    }

    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (Take(eventData))
        {
            // Not the caller's token: the change is committed, and the files must follow it even if the request is aborted.
            await Accounts.SyncAsync(CancellationToken.None);
        }

        return result;
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => Take(eventData);

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Take(eventData);
        return Task.CompletedTask;
    }

    private void Note(DbContextEventData eventData)
    {
        if (Accounts.Enabled && eventData.Context is { } context && context.ChangeTracker.Entries<Device>().Any(ChangesAccount))
        {
            _pending.AddOrUpdate(context, Pending);
        }
    }

    private bool Take(DbContextEventData eventData) => eventData.Context is { } context && _pending.Remove(context);

    private static bool ChangesAccount(Microsoft.EntityFrameworkCore.ChangeTracking.EntityEntry<Device> entry) =>
        entry.State is EntityState.Added or EntityState.Deleted
        || entry.State == EntityState.Modified && entry.Property(d => d.SecretHash).IsModified;
}
