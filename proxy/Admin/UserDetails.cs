using System.Text.Json;
using System.Text.Json.Serialization;
using Facade.Proxy.Data;

namespace Facade.Proxy.Admin;

/// <summary>
/// A user as <c>users show</c> and <c>users list --format json</c> print it. <see cref="Id"/> is the <c>sub</c> of the
/// user's tokens: what scripts pass on to other services (e.g. the device edge's <c>devices provision --owner</c>).
/// </summary>
internal sealed record UserDetails(string Id, string? UserName, string? DisplayName, string? Email, bool Locked)
{
    public static UserDetails Of(FacadeUser user, DateTimeOffset now) =>
        new(user.Id, user.UserName, user.DisplayName, user.Email, user.LockoutEnd > now);

    public string ToText() => string.Join(Environment.NewLine,
        $"id: {Id}", $"username: {UserName}", $"display name: {DisplayName}", $"email: {Email}", $"locked: {(Locked ? "yes" : "no")}");
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(UserDetails))]
[JsonSerializable(typeof(UserDetails[]))]
[JsonSerializable(typeof(KeyListing[]))]
[JsonSerializable(typeof(ClientListing[]))]
internal sealed partial class AdminJsonContext : JsonSerializerContext;
