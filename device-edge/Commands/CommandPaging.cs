using System.Globalization;
using Facade.Common;
using Facade.DeviceEdge.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Facade.DeviceEdge.Commands;

/// <summary>
/// Newest-first pages of commands: <c>?limit=</c> (1–500, default 50) and <c>?after=</c>, the id of the last command of
/// the previous page (its <c>next</c>), which must be a command the same query can see.
/// </summary>
internal static class CommandPaging
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 500;

    public static bool TryParseLimit(string? limit, out int size) =>
        limit is null
            ? (size = DefaultPageSize) > 0
            : int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out size) && size is >= 1 and <= MaxPageSize;

    public static JsonHttpResult<ErrorBody> BadLimit() => JsonBody.Invalid($"'limit' must be a whole number from 1 to {MaxPageSize}.");

    /// <summary>One page of <paramref name="query"/> after <paramref name="after"/>; null when the cursor is not in the query.</summary>
    public static async Task<CommandListView?> PageAsync(IQueryable<DeviceCommand> query, int size, string? after, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(after))
        {
            var cursor = await query.Where(c => c.Id == after).Select(c => (long?)c.Sequence).FirstOrDefaultAsync(cancellationToken);
            if (cursor is null)
            {
                return null;
            }

            query = query.Where(c => c.Sequence < cursor);
        }

        var page = await query.OrderByDescending(c => c.Sequence).Take(size + 1).ToListAsync(cancellationToken);
        var views = page.Take(size).Select(CommandView.Of).ToList();
        return new CommandListView(views, page.Count > size ? views[^1].Id : null);
    }

    public static JsonHttpResult<ErrorBody> BadCursor() => JsonBody.Invalid("'after' must be the id of a command of this listing (the 'next' of the previous page).");
}
