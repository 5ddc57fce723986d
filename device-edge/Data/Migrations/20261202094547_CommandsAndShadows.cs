using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Facade.DeviceEdge.Data.Migrations
{
    /// <inheritdoc />
    public partial class CommandsAndShadows : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "device_commands",
                columns: table => new
                {
                    seq = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    id = table.Column<string>(type: "TEXT", maxLength: 28, nullable: false),
                    device_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    @params = table.Column<string>(name: "params", type: "TEXT", nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    created = table.Column<long>(type: "INTEGER", nullable: false),
                    expires = table.Column<long>(type: "INTEGER", nullable: false),
                    delivered = table.Column<long>(type: "INTEGER", nullable: true),
                    completed = table.Column<long>(type: "INTEGER", nullable: true),
                    result = table.Column<string>(type: "TEXT", nullable: true),
                    error = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    subject = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    client_id = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_device_commands", x => x.seq);
                    table.ForeignKey(
                        name: "FK_device_commands_devices_device_id",
                        column: x => x.device_id,
                        principalTable: "devices",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "device_shadows",
                columns: table => new
                {
                    device_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    desired = table.Column<string>(type: "TEXT", nullable: false),
                    desired_version = table.Column<long>(type: "INTEGER", nullable: false),
                    desired_at = table.Column<long>(type: "INTEGER", nullable: true),
                    reported = table.Column<string>(type: "TEXT", nullable: false),
                    reported_version = table.Column<long>(type: "INTEGER", nullable: false),
                    reported_at = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_device_shadows", x => x.device_id);
                    table.ForeignKey(
                        name: "FK_device_shadows_devices_device_id",
                        column: x => x.device_id,
                        principalTable: "devices",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_device_commands_completed",
                table: "device_commands",
                column: "completed");

            migrationBuilder.CreateIndex(
                name: "IX_device_commands_device_id_seq",
                table: "device_commands",
                columns: new[] { "device_id", "seq" });

            migrationBuilder.CreateIndex(
                name: "IX_device_commands_id",
                table: "device_commands",
                column: "id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_device_commands_status_expires",
                table: "device_commands",
                columns: new[] { "status", "expires" });

            migrationBuilder.CreateIndex(
                name: "IX_device_commands_subject_seq",
                table: "device_commands",
                columns: new[] { "subject", "seq" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "device_commands");

            migrationBuilder.DropTable(
                name: "device_shadows");
        }
    }
}
