// The per-output-channel parameters of a tile (M1, M2, bias, and the next
// layer's tau / neg for the bits written), double-buffered: the tile loader
// fills bank wbank_i while the merge reads bank rbank_i. Loads arrive as
// memory beats of per_beat_i elements each (M1, M2: 4 bytes; bias 8; tau 2;
// neg 1); lane l takes slot l - base_i of the beat. A bank holds a row per
// group of MergeLanes lanes (the merge reads a row per cycle); each lane's
// element is chosen from the beat once and written to either bank, each
// field with its own enable (flip-flop clock enables, not multiplexers).
module nb_lane_params #(
  parameter int Lanes = 32,
  parameter int MergeLanes = 8,
  parameter int GA = 2
) (
  input  logic                         clk_i,
  // load: which parameter (0 M1, 1 M2, 2 bias, 3 tau, 4 neg), the beat, its lanes
  input  logic                         we_i,
  input  logic [2:0]                   which_i,
  input  logic                         wbank_i,
  input  logic [63:0]                  beat_i,
  input  logic signed [15:0]           base_i,     // element index of the beat's slot 0, lane-relative
  input  logic [3:0]                   per_beat_i, // elements in a beat
  input  logic [15:0]                  rows_i,     // lanes in use
  // the merge's group; place r of the group at bits [r*width +: width]
  input  logic                         rbank_i,
  input  logic [GA-1:0]                group_i,
  output logic [MergeLanes*18-1:0]     m1_o,
  output logic [MergeLanes*18-1:0]     m2_o,
  output logic [MergeLanes*48-1:0]     bias_o,
  output logic [MergeLanes*16-1:0]     tau_o,
  output logic [MergeLanes-1:0]        neg_o
);
  localparam int W = 18 + 18 + 48 + 16 + 1;  // one lane's parameters
  // row g of bank b: the group's lanes, W bits each
  logic [MergeLanes*W-1:0] row_q [2][1 << GA];
  // base as a lane-count window: lanes [lo, hi) take slots lane - base
  logic signed [15:0] lo, hi;
  assign lo = base_i < 0 ? 16'sd0 : base_i;
  assign hi = base_i + signed'(16'(per_beat_i));
  for (genvar l = 0; l < Lanes; l++) begin : g_lane
    logic [2:0] s3;
    logic take;
    logic [W-1:0] nxt;   // this lane's element of the beat, in its field
    assign s3 = 3'(16'(l) - base_i);
    assign take = we_i && signed'(16'(l)) >= lo && signed'(16'(l)) < hi && 16'(l) < rows_i;
    always_comb begin
      nxt = '0;
      unique case (which_i)
        3'd0: nxt[W-1 -: 18] = beat_i[s3[0]*32 +: 18];
        3'd1: nxt[W-19 -: 18] = beat_i[s3[0]*32 +: 18];
        3'd2: nxt[W-37 -: 48] = beat_i[47:0];
        3'd3: nxt[W-85 -: 16] = beat_i[s3[1:0]*16 +: 16];
        default: nxt[0] = beat_i[s3*8];
      endcase
    end
    for (genvar b = 0; b < 2; b++) begin : g_bank
      // each field has its own enable (a flip-flop's CE), the data is shared by the banks
      always_ff @(posedge clk_i) begin
        if (take && wbank_i == b) begin
          unique case (which_i)
            3'd0: row_q[b][l / MergeLanes][(l % MergeLanes)*W + W-1 -: 18] <= nxt[W-1 -: 18];
            3'd1: row_q[b][l / MergeLanes][(l % MergeLanes)*W + W-19 -: 18] <= nxt[W-19 -: 18];
            3'd2: row_q[b][l / MergeLanes][(l % MergeLanes)*W + W-37 -: 48] <= nxt[W-37 -: 48];
            3'd3: row_q[b][l / MergeLanes][(l % MergeLanes)*W + W-85 -: 16] <= nxt[W-85 -: 16];
            default: row_q[b][l / MergeLanes][(l % MergeLanes)*W] <= nxt[0];
          endcase
        end
      end
    end
  end
  logic [MergeLanes*W-1:0] row;
  assign row = row_q[rbank_i][group_i];
  always_comb begin
    for (int r = 0; r < MergeLanes; r++) begin
      m1_o[r*18 +: 18] = row[r*W + W-1 -: 18];
      m2_o[r*18 +: 18] = row[r*W + W-19 -: 18];
      bias_o[r*48 +: 48] = row[r*W + W-37 -: 48];
      tau_o[r*16 +: 16] = row[r*W + W-85 -: 16];
      neg_o[r] = row[r*W];
    end
  end
endmodule
