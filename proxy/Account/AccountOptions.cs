namespace Facade.Proxy.Account;

/// <summary><c>Facade:Accounts</c>: users seeded at start (for example the Development demo user) and lockout.</summary>
public sealed class AccountOptions
{
    public const string SectionName = "Facade:Accounts";

    public const string DemoUserName = "demo";
    public const string DemoPassword = "demo-password";

    /// <summary>Failed sign-ins before a user is locked out for <see cref="LockoutDuration"/>.</summary>
    public int MaxFailedAttempts { get; set; } = 5;

    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(5);
}
