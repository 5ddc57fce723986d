using System.CommandLine;
using Facade.Proxy.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Facade.Proxy.Admin;

/// <summary>
/// Operator commands that run against the same configuration and database as the edge, without starting it:
/// <c>Facade.Proxy users add alice --password-stdin</c>. Production seeds nothing, so this is how local users begin.
/// </summary>
public static class AdminCommands
{
    public static bool IsAdminCommand(string[] args) => args.Length > 0 && args[0] == "users";

    public static Task<int> RunAsync(string[] args, TextReader input, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(args);
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the password from standard input (first line)." };
        var displayName = new Option<string?>("--display-name") { Description = "The name shown in tokens and on pages." };
        var email = new Option<string?>("--email") { Description = "The user's email address." };
        var userName = new Argument<string>("username") { Description = "The login name." };

        var add = new Command("add", "Create a local user.") { userName, passwordStdin, displayName, email };
        add.SetAction((result, ct) => WithUsersAsync(args, users => AddAsync(users, result.GetValue(userName)!, ReadPassword(result.GetValue(passwordStdin), input),
            result.GetValue(displayName), result.GetValue(email), output)));

        var setPassword = new Command("set-password", "Replace a user's password (and clear a lockout).") { userName, passwordStdin };
        setPassword.SetAction((result, ct) => WithUsersAsync(args, users => SetPasswordAsync(users, result.GetValue(userName)!,
            ReadPassword(result.GetValue(passwordStdin), input), output)));

        var list = new Command("list", "List local users.");
        list.SetAction((result, ct) => WithUsersAsync(args, async users =>
        {
            foreach (var user in await users.Users.OrderBy(u => u.UserName).ToListAsync(ct))
            {
                await output.WriteLineAsync($"{user.UserName}\t{user.DisplayName}\t{user.Email}");
            }

            return 0;
        }));

        var root = new RootCommand("Facade edge administration") { new Command("users", "Manage local users.") { add, setPassword, list } };
        return root.Parse(args.Where(a => !IsHostArgument(a)).ToArray()).InvokeAsync();
    }

    /// <summary><c>--environment=…</c> and <c>--Facade:Key=value</c> configure the host, as they do for the edge itself.</summary>
    private static bool IsHostArgument(string arg) =>
        arg.StartsWith("--environment", StringComparison.Ordinal) || arg.StartsWith("--Facade:", StringComparison.Ordinal);

    private static string? ReadPassword(bool fromStdin, TextReader input) => fromStdin ? input.ReadLine() : null;

    private static async Task<int> AddAsync(UserManager<FacadeUser> users, string userName, string? password, string? displayName, string? email, TextWriter output)
    {
        if (string.IsNullOrEmpty(password))
        {
            await output.WriteLineAsync("A password is required: pipe it in with --password-stdin.");
            return 2;
        }

        var result = await users.CreateAsync(new FacadeUser { UserName = userName, DisplayName = displayName, Email = email, EmailConfirmed = email is not null }, password);
        return await ReportAsync(result, $"User '{userName}' created.", output);
    }

    private static async Task<int> SetPasswordAsync(UserManager<FacadeUser> users, string userName, string? password, TextWriter output)
    {
        var user = await users.FindByNameAsync(userName);
        if (user is null || string.IsNullOrEmpty(password))
        {
            await output.WriteLineAsync(user is null ? $"No user '{userName}'." : "A password is required: pipe it in with --password-stdin.");
            return 2;
        }

        var result = await users.RemovePasswordAsync(user);
        if (result.Succeeded)
        {
            result = await users.AddPasswordAsync(user, password);
        }

        if (result.Succeeded)
        {
            await users.SetLockoutEndDateAsync(user, null);
            await users.ResetAccessFailedCountAsync(user);
        }

        return await ReportAsync(result, $"Password of '{userName}' replaced.", output);
    }

    private static async Task<int> ReportAsync(IdentityResult result, string success, TextWriter output)
    {
        await output.WriteLineAsync(result.Succeeded ? success : string.Join(Environment.NewLine, result.Errors.Select(e => e.Description)));
        return result.Succeeded ? 0 : 1;
    }

    /// <summary>Builds just enough of the edge (configuration, database, Identity) to manage users, migrating first.</summary>
    private static async Task<int> WithUsersAsync(string[] args, Func<UserManager<FacadeUser>, Task<int>> action)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args.Where(IsHostArgument).ToArray() });
        builder.Logging.ClearProviders();
        builder.AddFacadeHosting();
        builder.AddFacadeData();
        builder.AddAccounts();
        await using var app = builder.Build();
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<FacadeDbContext>().Database.MigrateAsync();
        return await action(scope.ServiceProvider.GetRequiredService<UserManager<FacadeUser>>());
    }
}
