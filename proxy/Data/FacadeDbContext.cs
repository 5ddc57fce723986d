using Facade.Proxy.ApiKeys;
using Facade.Proxy.Ledger;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Facade.Proxy.Data;

/// <summary>Users (Identity), OAuth clients/authorizations/tokens (OpenIddict), API keys and the token ledger, in one database.</summary>
public sealed class FacadeDbContext(DbContextOptions<FacadeDbContext> options) : IdentityDbContext<FacadeUser>(options)
{
    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();

    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.UseOpenIddict();
        builder.Entity<ApiToken>(ApiToken.Configure);
        builder.Entity<ApiKey>(ApiKey.Configure);
        builder.Entity<FacadeUser>().Property(u => u.AllowedScopes).HasMaxLength(2000);
    }
}
