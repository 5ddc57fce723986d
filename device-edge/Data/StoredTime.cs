namespace Facade.DeviceEdge.Data;

/// <summary>
/// Times as the database keeps them (Unix milliseconds, see <see cref="UnixMillisecondsConverter"/>): taking them at
/// that precision from the start means an answer shows the same value before and after a restart.
/// </summary>
internal static class StoredTime
{
    public static DateTimeOffset Now(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        return Truncate(time.GetUtcNow());
    }

    public static DateTimeOffset Truncate(DateTimeOffset value) =>
        new(value.UtcTicks - value.UtcTicks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero);
}
