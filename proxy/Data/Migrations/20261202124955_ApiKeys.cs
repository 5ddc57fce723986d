using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Facade.Proxy.Data.Migrations
{
    /// <inheritdoc />
    public partial class ApiKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "key_id",
                table: "api_tokens",
                type: "TEXT",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "AllowedScopes",
                table: "AspNetUsers",
                type: "TEXT",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "api_keys",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    user_id = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    agent_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    label = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    scopes = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    hash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    created = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    expires = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                    last_used = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                    revoked = table.Column<DateTimeOffset>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_api_keys", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_api_tokens_key_id",
                table: "api_tokens",
                column: "key_id");

            migrationBuilder.CreateIndex(
                name: "IX_api_keys_hash",
                table: "api_keys",
                column: "hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_api_keys_user_id",
                table: "api_keys",
                column: "user_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "api_keys");

            migrationBuilder.DropIndex(
                name: "IX_api_tokens_key_id",
                table: "api_tokens");

            migrationBuilder.DropColumn(
                name: "key_id",
                table: "api_tokens");

            migrationBuilder.DropColumn(
                name: "AllowedScopes",
                table: "AspNetUsers");
        }
    }
}
