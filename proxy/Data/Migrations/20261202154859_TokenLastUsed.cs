using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Facade.Proxy.Data.Migrations
{
    /// <inheritdoc />
    public partial class TokenLastUsed : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "last_used",
                table: "api_tokens",
                type: "TEXT",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "last_used",
                table: "api_tokens");
        }
    }
}
