using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Facade.DeviceEdge.Data;

/// <summary>Stores a <see cref="DateTimeOffset"/> as UTC Unix milliseconds (sortable, comparable, compact).</summary>
internal sealed class UnixMillisecondsConverter() : ValueConverter<DateTimeOffset, long>(
    value => value.ToUnixTimeMilliseconds(),
    value => DateTimeOffset.FromUnixTimeMilliseconds(value));
