// The per-output-channel parameters of a tile (M1, M2, bias, and the next
// layer's tau / neg for the bits written), double-buffered: the tile loader
// fills bank wbank_i while the merge reads bank rbank_i. Loads arrive as
// memory beats of 8 >> esh_i elements each (M1, M2: 4 bytes; bias 8; tau 2;
// neg 1); lane l takes slot l - base_i of the beat. Lane l sits at group
// l / MergeLanes, place l % MergeLanes: the merge reads a group per cycle.
module nb_lane_params #(
  parameter int Lanes = 32,
  parameter int MergeLanes = 8,
  parameter int GA = 2          // group index bits
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
  // the merge's group
  input  logic                         rbank_i,
  input  logic [GA-1:0]                group_i,
  // place r of the group at bits [r*width +: width]
  output logic [MergeLanes*18-1:0]     m1_o,
  output logic [MergeLanes*18-1:0]     m2_o,
  output logic [MergeLanes*48-1:0]     bias_o,
  output logic [MergeLanes*16-1:0]     tau_o,
  output logic [MergeLanes-1:0]        neg_o
);
  localparam int NGA = 1 << GA;
  logic signed [17:0] m1_q [2][NGA][MergeLanes];
  logic signed [17:0] m2_q [2][NGA][MergeLanes];
  logic signed [47:0] bias_q [2][NGA][MergeLanes];
  logic signed [15:0] tau_q [2][NGA][MergeLanes];
  logic neg_q [2][NGA][MergeLanes];
  for (genvar l = 0; l < Lanes; l++) begin : g_lane
    logic signed [15:0] slot;
    logic take;
    logic [2:0] s3;
    assign slot = 16'(l) - base_i;
    assign take = we_i && slot >= 0 && slot < signed'(16'(per_beat_i)) && 16'(l) < rows_i;
    assign s3 = slot[2:0];
    always_ff @(posedge clk_i) begin
      if (take) begin
        unique case (which_i)
          3'd0: m1_q[wbank_i][l / MergeLanes][l % MergeLanes] <= 18'(beat_i[s3[0]*32 +: 32]);
          3'd1: m2_q[wbank_i][l / MergeLanes][l % MergeLanes] <= 18'(beat_i[s3[0]*32 +: 32]);
          3'd2: bias_q[wbank_i][l / MergeLanes][l % MergeLanes] <= 48'(beat_i);
          3'd3: tau_q[wbank_i][l / MergeLanes][l % MergeLanes] <= 16'(beat_i[s3[1:0]*16 +: 16]);
          3'd4: neg_q[wbank_i][l / MergeLanes][l % MergeLanes] <= beat_i[s3*8];
          default: ;
        endcase
      end
    end
  end
  always_comb begin
    for (int r = 0; r < MergeLanes; r++) begin
      m1_o[r*18 +: 18] = m1_q[rbank_i][group_i][r];
      m2_o[r*18 +: 18] = m2_q[rbank_i][group_i][r];
      bias_o[r*48 +: 48] = bias_q[rbank_i][group_i][r];
      tau_o[r*16 +: 16] = tau_q[rbank_i][group_i][r];
      neg_o[r] = neg_q[rbank_i][group_i][r];
    end
  end
endmodule
