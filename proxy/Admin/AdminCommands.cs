using System.CommandLine;
using System.Text.Json;
using Facade.Common;
using Facade.Proxy.Account;
using Facade.Proxy.Cluster;
using Facade.Proxy.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Facade.Proxy.Admin;

/// <summary>
/// Operator commands that run against the same configuration and database as the edge, without starting it:
/// <c>Facade.Proxy users add alice --password-stdin</c>. Production seeds nothing, so this is how local users begin.
/// </summary>
public static class AdminCommands
{
    public static bool IsAdminCommand(string[] args) => args.Length > 0 && args[0] is "users" or "keys" or "clients";

    public static Task<int> RunAsync(string[] args, TextReader input, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(args);
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the password from standard input (first line)." };
        var displayName = new Option<string?>("--display-name") { Description = "The name shown in tokens and on pages." };
        var email = new Option<string?>("--email") { Description = "The user's email address." };
        var userName = new Argument<string>("username") { Description = "The login name." };

        var scopes = new Option<string?>("--scopes") { Description = "The API scopes the user may hold, space-separated (default: every scope)." };
        var add = new Command("add", "Create a local user.") { userName, passwordStdin, displayName, email, scopes };
        add.SetAction((result, ct) => WithUsersAsync(args, users => AddAsync(users, result.GetValue(userName)!, ReadPassword(result.GetValue(passwordStdin), input),
            result.GetValue(displayName), result.GetValue(email), result.GetValue(scopes), output)));

        var allowed = new Argument<string?>("scopes") { Description = "The API scopes the user may hold, space-separated.", Arity = ArgumentArity.ZeroOrOne };
        var all = new Option<bool>("--all") { Description = "Every scope (the default for new users)." };
        var setScopes = new Command("set-scopes", "Set the scopes a user may hold (keys, OAuth grants); their keys' tokens are minted again with them.") { userName, allowed, all };
        setScopes.SetAction((result, ct) => WithServicesAsync(args, services => SetScopesAsync(services, result.GetValue(userName)!, result.GetValue(allowed),
            result.GetValue(all), output, ct)));

        var setPassword = new Command("set-password", "Replace a user's password, clear a lockout and end every earlier sign-in.") { userName, passwordStdin };
        setPassword.SetAction((result, ct) => WithServicesAsync(args, services => SetPasswordAsync(services, result.GetValue(userName)!,
            ReadPassword(result.GetValue(passwordStdin), input), output, ct)));

        var lockUser = new Command("lock", "Lock a user out until unlocked and end every earlier sign-in.") { userName };
        lockUser.SetAction((result, ct) => WithServicesAsync(args, services => LockAsync(services, result.GetValue(userName)!, output, ct)));

        var unlockUser = new Command("unlock", "Let a locked user sign in again.") { userName };
        unlockUser.SetAction((result, ct) => WithUsersAsync(args, users => UnlockAsync(users, result.GetValue(userName)!, output)));

        var format = new Option<OutputFormat>("--format") { Description = "text (default) or json (for scripts)." };

        var show = new Command("show", "Show a user: id (the 'sub' of their tokens), username, display name, email, locked.") { userName, format };
        show.SetAction((result, ct) => WithUsersAsync(args, users => ShowAsync(users, result.GetValue(userName)!, result.GetValue(format), output)));

        var list = new Command("list", "List local users (text: username, display name, email, locked; json: as 'show', with ids).") { format };
        list.SetAction((result, ct) => WithUsersAsync(args, async users =>
        {
            var all = await users.Users.OrderBy(u => u.UserName).ToListAsync(ct);
            if (result.GetValue(format) == OutputFormat.Json)
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(all.Select(u => UserDetails.Of(u, DateTimeOffset.UtcNow)).ToArray(), AdminJsonContext.Default.UserDetailsArray));
                return 0;
            }

            foreach (var user in all)
            {
                var locked = user.LockoutEnd > DateTimeOffset.UtcNow ? "\tlocked" : "";
                await output.WriteLineAsync($"{user.UserName}\t{user.DisplayName}\t{user.Email}{locked}");
            }

            return 0;
        }));

        var root = new RootCommand("Facade edge administration")
        {
            new Command("users", "Manage local users.") { add, setPassword, lockUser, unlockUser, show, list, setScopes },
            KeyCommands.Create(args, output),
            ClientCommands.Create(args, output),
        };
        return AdminCommandLine.InvokeAsync(root.Parse(args.Where(a => !IsHostArgument(a)).ToArray()), "facade");
    }

    /// <summary><c>--environment=…</c> and <c>--Facade:Key=value</c> configure the host, as they do for the edge itself.</summary>
    private static bool IsHostArgument(string arg) =>
        arg.StartsWith("--environment", StringComparison.Ordinal) || arg.StartsWith("--Facade:", StringComparison.Ordinal);

    private static string? ReadPassword(bool fromStdin, TextReader input) => fromStdin ? input.ReadLine() : null;

    private static async Task<int> AddAsync(UserManager<FacadeUser> users, string userName, string? password, string? displayName, string? email, string? scopes, TextWriter output)
    {
        if (string.IsNullOrEmpty(password))
        {
            await output.WriteLineAsync("A password is required: pipe it in with --password-stdin.");
            return 2;
        }

        string? allowed = null;
        if (scopes is not null && !TryReadAllowance(scopes, out allowed, out var problem))
        {
            await output.WriteLineAsync(problem);
            return 2;
        }

        var result = await users.CreateAsync(new FacadeUser
        {
            UserName = userName, DisplayName = displayName, Email = email, EmailConfirmed = email is not null, AllowedScopes = allowed,
        }, password);
        return await ReportAsync(result, $"User '{userName}' created.", output);
    }

    private static async Task<int> SetPasswordAsync(IServiceProvider services, string userName, string? password, TextWriter output, CancellationToken cancellationToken)
    {
        var users = services.GetRequiredService<UserManager<FacadeUser>>();
        var user = await users.FindByNameAsync(userName);
        if (user is null || string.IsNullOrEmpty(password))
        {
            await output.WriteLineAsync(user is null ? $"No user '{userName}'." : "A password is required: pipe it in with --password-stdin.");
            return 2;
        }

        // Checked first: a password the validators refuse must not leave the user without one.
        foreach (var validator in users.PasswordValidators)
        {
            if (await validator.ValidateAsync(users, user, password) is { Succeeded: false } refused)
            {
                return await ReportAsync(refused, "", output);
            }
        }

        var result = await users.RemovePasswordAsync(user);
        if (result.Succeeded)
        {
            result = await users.AddPasswordAsync(user, password);
        }

        if (!result.Succeeded)
        {
            return await ReportAsync(result, "", output);
        }

        await users.SetLockoutEndDateAsync(user, null);
        await users.ResetAccessFailedCountAsync(user);
        var grants = await services.GetRequiredService<UserGrantRevocation>().RevokeAllAsync(user, cancellationToken);
        await output.WriteLineAsync($"Password of '{userName}' replaced; {Grants(grants)} revoked, every earlier sign-in ended.");
        return 0;
    }

    private static async Task<int> LockAsync(IServiceProvider services, string userName, TextWriter output, CancellationToken cancellationToken)
    {
        var users = services.GetRequiredService<UserManager<FacadeUser>>();
        if (await users.FindByNameAsync(userName) is not { } user)
        {
            await output.WriteLineAsync($"No user '{userName}'.");
            return 2;
        }

        var result = await users.SetLockoutEnabledAsync(user, true);
        if (result.Succeeded)
        {
            result = await users.SetLockoutEndDateAsync(user, DateTimeOffset.MaxValue);
        }

        if (!result.Succeeded)
        {
            return await ReportAsync(result, "", output);
        }

        var grants = await services.GetRequiredService<UserGrantRevocation>().RevokeAllAsync(user, cancellationToken);
        await output.WriteLineAsync($"User '{userName}' locked until unlocked; {Grants(grants)} revoked, every earlier sign-in ended.");
        return 0;
    }

    private static async Task<int> ShowAsync(UserManager<FacadeUser> users, string userName, OutputFormat format, TextWriter output)
    {
        if (await users.FindByNameAsync(userName) is not { } user)
        {
            await output.WriteLineAsync($"No user '{userName}'.");
            return 2;
        }

        var details = UserDetails.Of(user, DateTimeOffset.UtcNow);
        await output.WriteLineAsync(format == OutputFormat.Json ? JsonSerializer.Serialize(details, AdminJsonContext.Default.UserDetails) : details.ToText());
        return 0;
    }

    private static async Task<int> UnlockAsync(UserManager<FacadeUser> users, string userName, TextWriter output)
    {
        if (await users.FindByNameAsync(userName) is not { } user)
        {
            await output.WriteLineAsync($"No user '{userName}'.");
            return 2;
        }

        var result = await users.SetLockoutEndDateAsync(user, null);
        if (result.Succeeded)
        {
            result = await users.ResetAccessFailedCountAsync(user);
        }

        return await ReportAsync(result, $"User '{userName}' unlocked: they can sign in again (earlier sign-ins stay ended).", output);
    }

    private static async Task<int> SetScopesAsync(IServiceProvider services, string userName, string? scopes, bool all, TextWriter output, CancellationToken cancellationToken)
    {
        var users = services.GetRequiredService<UserManager<FacadeUser>>();
        if (await users.FindByNameAsync(userName) is not { } user)
        {
            await output.WriteLineAsync($"No user '{userName}'.");
            return 2;
        }

        if (all == (scopes is not null))
        {
            await output.WriteLineAsync("Give either the scopes (\"tasks:read agents:invoke\") or --all.");
            return 2;
        }

        string? allowed = null;
        if (!all && !TryReadAllowance(scopes!, out allowed, out var problem))
        {
            await output.WriteLineAsync(problem);
            return 2;
        }

        user.AllowedScopes = allowed;
        var result = await users.UpdateAsync(user);
        if (!result.Succeeded)
        {
            return await ReportAsync(result, "", output);
        }

        // Tokens minted from the user's keys carry the old allowance: revoked, the next request mints them anew.
        var tokens = await services.GetRequiredService<Ledger.TokenLedger>().RevokeKeyTokensOfSubjectAsync(user.Id, cancellationToken);
        await output.WriteLineAsync($"Scopes of '{userName}' set to {(allowed is null ? "every scope" : $"'{allowed}'")}; {tokens} token(s) minted from their keys revoked "
            + "(their keys keep working with the new scopes; OAuth grants get them at the next refresh).");
        return 0;
    }

    private static bool TryReadAllowance(string scopes, out string? allowed, out string problem)
    {
        allowed = ApiKeys.ScopeAllowance.Normalize(scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries), out var unknown);
        problem = unknown is null ? "" : $"Unknown scope '{unknown}' (known: {string.Join(' ', ScopeCatalog.All)}).";
        return unknown is null;
    }

    private static string Grants(long count) => count == 1 ? "1 grant" : $"{count} grants";

    private static async Task<int> ReportAsync(IdentityResult result, string success, TextWriter output)
    {
        await output.WriteLineAsync(result.Succeeded ? success : string.Join(Environment.NewLine, result.Errors.Select(e => e.Description)));
        return result.Succeeded ? 0 : 1;
    }

    private static Task<int> WithUsersAsync(string[] args, Func<UserManager<FacadeUser>, Task<int>> action) =>
        WithServicesAsync(args, services => action(services.GetRequiredService<UserManager<FacadeUser>>()));

    /// <summary>
    /// Builds just enough of the edge (configuration, database, Identity, OpenIddict's stores and the token ledger)
    /// to manage users, keys and clients, migrating first.
    /// </summary>
    internal static async Task<int> WithServicesAsync(string[] args, Func<IServiceProvider, Task<int>> action)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args.Where(IsHostArgument).ToArray() });
        builder.Logging.ClearProviders();
        builder.AddFacadeHosting();
        builder.AddFacadeData();
        builder.AddAccounts();
        builder.AddGrantStores();
        builder.AddApiKeyStore();
        builder.AddCluster();
        await using var app = builder.Build();
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FacadeDbContext>();
        await DatabaseInitializer.PrepareAsync(db, CancellationToken.None);

        // With a revocation bus, what a command revokes reaches every running node at once, as a node's own revocations do.
        var bus = app.Services.GetService<RedisRevocationBus>();
        try
        {
            if (bus is not null)
            {
                await bus.StartAsync(CancellationToken.None);
            }

            return await action(scope.ServiceProvider);
        }
        finally
        {
            if (bus is not null)
            {
                await bus.StopAsync(CancellationToken.None);
            }

            // A command's connections end with it, as they would with its process (the tests run commands in-process).
            if (db.Database.GetDbConnection() is SqliteConnection connection)
            {
                SqliteConnection.ClearPool(connection);
            }
        }
    }
}
