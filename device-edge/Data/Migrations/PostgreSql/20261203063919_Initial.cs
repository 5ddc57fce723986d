using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Facade.DeviceEdge.Data.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "alert_rules",
                columns: table => new
                {
                    id = table.Column<string>(type: "character varying(21)", maxLength: 21, nullable: false),
                    owner_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    device_ids = table.Column<List<string>>(type: "text[]", nullable: false),
                    device_type = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    tags = table.Column<List<string>>(type: "text[]", nullable: false),
                    metric = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    @operator = table.Column<string>(name: "operator", type: "character varying(2)", maxLength: 2, nullable: false),
                    threshold = table.Column<double>(type: "double precision", nullable: false),
                    hysteresis = table.Column<double>(type: "double precision", nullable: false),
                    channel = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    webhook_url = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: true),
                    webhook_secret = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    topic = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    enabled = table.Column<bool>(type: "boolean", nullable: false),
                    created = table.Column<long>(type: "bigint", nullable: false),
                    updated = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_alert_rules", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "devices",
                columns: table => new
                {
                    id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    type = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    tags = table.Column<List<string>>(type: "text[]", nullable: false),
                    firmware_version = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    owner_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    secret_hash = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    created = table.Column<long>(type: "bigint", nullable: false),
                    updated = table.Column<long>(type: "bigint", nullable: false),
                    secret_issued = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_devices", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "alerts",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    rule_id = table.Column<string>(type: "character varying(21)", maxLength: 21, nullable: false),
                    device_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    rule_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    metric = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    @operator = table.Column<string>(name: "operator", type: "character varying(2)", maxLength: 2, nullable: false),
                    threshold = table.Column<double>(type: "double precision", nullable: false),
                    value = table.Column<double>(type: "double precision", nullable: false),
                    fired = table.Column<long>(type: "bigint", nullable: false),
                    resolved = table.Column<long>(type: "bigint", nullable: true),
                    resolved_value = table.Column<double>(type: "double precision", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_alerts", x => x.id);
                    table.ForeignKey(
                        name: "FK_alerts_alert_rules_rule_id",
                        column: x => x.rule_id,
                        principalTable: "alert_rules",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_alerts_devices_device_id",
                        column: x => x.device_id,
                        principalTable: "devices",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "device_commands",
                columns: table => new
                {
                    seq = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    id = table.Column<string>(type: "character varying(28)", maxLength: 28, nullable: false),
                    device_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    @params = table.Column<string>(name: "params", type: "text", nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    created = table.Column<long>(type: "bigint", nullable: false),
                    expires = table.Column<long>(type: "bigint", nullable: false),
                    delivered = table.Column<long>(type: "bigint", nullable: true),
                    completed = table.Column<long>(type: "bigint", nullable: true),
                    result = table.Column<string>(type: "text", nullable: true),
                    error = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    subject = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    client_id = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: true)
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
                    device_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    desired = table.Column<string>(type: "text", nullable: false),
                    desired_version = table.Column<long>(type: "bigint", nullable: false),
                    desired_at = table.Column<long>(type: "bigint", nullable: true),
                    reported = table.Column<string>(type: "text", nullable: false),
                    reported_version = table.Column<long>(type: "bigint", nullable: false),
                    reported_at = table.Column<long>(type: "bigint", nullable: true)
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

            migrationBuilder.CreateTable(
                name: "device_shares",
                columns: table => new
                {
                    device_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    user_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    access = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    created = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_device_shares", x => new { x.device_id, x.user_id });
                    table.ForeignKey(
                        name: "FK_device_shares_devices_device_id",
                        column: x => x.device_id,
                        principalTable: "devices",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "device_status",
                columns: table => new
                {
                    device_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    online = table.Column<bool>(type: "boolean", nullable: false),
                    since = table.Column<long>(type: "bigint", nullable: true),
                    last_seen = table.Column<long>(type: "bigint", nullable: true),
                    last_reported = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    client_address = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    protocol_version = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: true),
                    connected_at = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_device_status", x => x.device_id);
                    table.ForeignKey(
                        name: "FK_device_status_devices_device_id",
                        column: x => x.device_id,
                        principalTable: "devices",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "telemetry_series",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    device_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    key = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_telemetry_series", x => x.id);
                    table.ForeignKey(
                        name: "FK_telemetry_series_devices_device_id",
                        column: x => x.device_id,
                        principalTable: "devices",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "alert_notifications",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    alert_id = table.Column<long>(type: "bigint", nullable: false),
                    @event = table.Column<string>(name: "event", type: "character varying(16)", maxLength: 16, nullable: false),
                    payload = table.Column<byte[]>(type: "bytea", nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    next_attempt = table.Column<long>(type: "bigint", nullable: false),
                    created = table.Column<long>(type: "bigint", nullable: false),
                    last_error = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true)
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
                name: "telemetry_minutes",
                columns: table => new
                {
                    series_id = table.Column<long>(type: "bigint", nullable: false),
                    ts = table.Column<long>(type: "bigint", nullable: false),
                    min_value = table.Column<double>(type: "double precision", nullable: false),
                    max_value = table.Column<double>(type: "double precision", nullable: false),
                    sum_value = table.Column<double>(type: "double precision", nullable: false),
                    count = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_telemetry_minutes", x => new { x.series_id, x.ts });
                    table.ForeignKey(
                        name: "FK_telemetry_minutes_telemetry_series_series_id",
                        column: x => x.series_id,
                        principalTable: "telemetry_series",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "telemetry_points",
                columns: table => new
                {
                    series_id = table.Column<long>(type: "bigint", nullable: false),
                    ts = table.Column<long>(type: "bigint", nullable: false),
                    value = table.Column<double>(type: "double precision", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_telemetry_points", x => new { x.series_id, x.ts });
                    table.ForeignKey(
                        name: "FK_telemetry_points_telemetry_series_series_id",
                        column: x => x.series_id,
                        principalTable: "telemetry_series",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

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

            migrationBuilder.CreateIndex(
                name: "IX_alerts_device_id_resolved",
                table: "alerts",
                columns: new[] { "device_id", "resolved" });

            migrationBuilder.CreateIndex(
                name: "IX_alerts_firing",
                table: "alerts",
                columns: new[] { "rule_id", "device_id" },
                unique: true,
                filter: "resolved IS NULL");

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

            migrationBuilder.CreateIndex(
                name: "IX_device_shares_user_id",
                table: "device_shares",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "IX_devices_owner_id",
                table: "devices",
                column: "owner_id");

            migrationBuilder.CreateIndex(
                name: "IX_telemetry_series_device_id_key",
                table: "telemetry_series",
                columns: new[] { "device_id", "key" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "alert_notifications");

            migrationBuilder.DropTable(
                name: "device_commands");

            migrationBuilder.DropTable(
                name: "device_shadows");

            migrationBuilder.DropTable(
                name: "device_shares");

            migrationBuilder.DropTable(
                name: "device_status");

            migrationBuilder.DropTable(
                name: "telemetry_minutes");

            migrationBuilder.DropTable(
                name: "telemetry_points");

            migrationBuilder.DropTable(
                name: "alerts");

            migrationBuilder.DropTable(
                name: "telemetry_series");

            migrationBuilder.DropTable(
                name: "alert_rules");

            migrationBuilder.DropTable(
                name: "devices");
        }
    }
}
