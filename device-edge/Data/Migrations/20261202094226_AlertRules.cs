using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Facade.DeviceEdge.Data.Migrations
{
    /// <inheritdoc />
    public partial class AlertRules : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.RenameColumn(
                name: "raised",
                table: "alerts",
                newName: "fired");

            migrationBuilder.AddColumn<string>(
                name: "metric",
                table: "alerts",
                type: "TEXT",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "operator",
                table: "alerts",
                type: "TEXT",
                maxLength: 2,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<double>(
                name: "resolved_value",
                table: "alerts",
                type: "REAL",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "rule_id",
                table: "alerts",
                type: "TEXT",
                maxLength: 21,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "rule_name",
                table: "alerts",
                type: "TEXT",
                maxLength: 100,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<double>(
                name: "threshold",
                table: "alerts",
                type: "REAL",
                nullable: false,
                defaultValue: 0.0);

            migrationBuilder.AddColumn<double>(
                name: "value",
                table: "alerts",
                type: "REAL",
                nullable: false,
                defaultValue: 0.0);

            migrationBuilder.CreateTable(
                name: "alert_notifications",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    alert_id = table.Column<long>(type: "INTEGER", nullable: false),
                    @event = table.Column<string>(name: "event", type: "TEXT", maxLength: 16, nullable: false),
                    payload = table.Column<byte[]>(type: "BLOB", nullable: false),
                    attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    next_attempt = table.Column<long>(type: "INTEGER", nullable: false),
                    created = table.Column<long>(type: "INTEGER", nullable: false),
                    last_error = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_alert_notifications", x => x.id);
                    table.ForeignKey(
                        name: "FK_alert_notifications_alerts_alert_id",
                        column: x => x.alert_id,
                        principalTable: "alerts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "alert_rules",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", maxLength: 21, nullable: false),
                    owner_id = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    device_ids = table.Column<string>(type: "TEXT", nullable: false),
                    device_type = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    tags = table.Column<string>(type: "TEXT", nullable: false),
                    metric = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    @operator = table.Column<string>(name: "operator", type: "TEXT", maxLength: 2, nullable: false),
                    threshold = table.Column<double>(type: "REAL", nullable: false),
                    hysteresis = table.Column<double>(type: "REAL", nullable: false),
                    channel = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    webhook_url = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: true),
                    webhook_secret = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    topic = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    created = table.Column<long>(type: "INTEGER", nullable: false),
                    updated = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_alert_rules", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_alerts_firing",
                table: "alerts",
                columns: new[] { "rule_id", "device_id" },
                unique: true,
                filter: "resolved IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_alert_notifications_alert_id",
                table: "alert_notifications",
                column: "alert_id");

            migrationBuilder.CreateIndex(
                name: "IX_alert_notifications_next_attempt",
                table: "alert_notifications",
                column: "next_attempt");

            migrationBuilder.CreateIndex(
                name: "IX_alert_rules_owner_id",
                table: "alert_rules",
                column: "owner_id");

            migrationBuilder.AddForeignKey(
                name: "FK_alerts_alert_rules_rule_id",
                table: "alerts",
                column: "rule_id",
                principalTable: "alert_rules",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_alerts_alert_rules_rule_id",
                table: "alerts");

            migrationBuilder.DropTable(
                name: "alert_notifications");

            migrationBuilder.DropTable(
                name: "alert_rules");

            migrationBuilder.DropIndex(
                name: "IX_alerts_firing",
                table: "alerts");

            migrationBuilder.DropColumn(
                name: "metric",
                table: "alerts");

            migrationBuilder.DropColumn(
                name: "operator",
                table: "alerts");

            migrationBuilder.DropColumn(
                name: "resolved_value",
                table: "alerts");

            migrationBuilder.DropColumn(
                name: "rule_id",
                table: "alerts");

            migrationBuilder.DropColumn(
                name: "rule_name",
                table: "alerts");

            migrationBuilder.DropColumn(
                name: "threshold",
                table: "alerts");

            migrationBuilder.DropColumn(
                name: "value",
                table: "alerts");

            migrationBuilder.RenameColumn(
                name: "fired",
                table: "alerts",
                newName: "raised");
        }
    }
}
