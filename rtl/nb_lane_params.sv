// The per-output-channel parameters of a tile (M1, M2, bias, and the next
// layer's tau / neg for the bits written), double-buffered: the tile loader
// fills bank wbank_i while the merge reads bank rbank_i. Loads arrive as
// memory beats of per_beat_i elements each (M1, M2: 4 bytes; bias 8; tau 2;
// neg 1); lane l takes slot l - base_i of the beat. A bank holds a row per
// group of MergeLanes lanes (the merge reads a row per cycle); each lane's
// element is chosen from the beat once and written to either bank, each
// field with its own enable.
// With MergeLanes >= 8 (a beat's lanes, at most 8, fall in distinct places
// of a group) each place and field of the rows is a small LUT-RAM (2 x
// groups entries, one write port addressed by that place's lane, written
// two cycles after the beat arrives, read asynchronously at the merge's group: no multiplexer over
// the groups; a tile's parameters are in place long before its first merge);
// smaller merges keep the rows in flip-flops.
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
  // base as a lane-count window: lanes [lo, hi) take slots lane - base
  logic signed [15:0] lo, hi;
  assign lo = base_i < 0 ? 16'sd0 : base_i;
  assign hi = base_i + signed'(16'(per_beat_i));
  localparam int NG = Lanes / MergeLanes;
  if (MergeLanes >= 8) begin : g_ram
    // Writes are two cycles late: the load's controls are registered, then
    // each place's lane, so that neither the loader's decode nor the lane
    // window's compares reach the RAMs' write ports in one cycle.
    logic [63:0] beat_q, beat2_q;
    logic [2:0] which_q, which2_q;
    logic we_q, wbank_q;
    logic signed [15:0] lo_q, hi_q, base_q;
    logic [15:0] rows_q;
    always_ff @(posedge clk_i) begin
      {beat_q, which_q, we_q, wbank_q, lo_q, hi_q, base_q, rows_q} <= {beat_i, which_i, we_i, wbank_i, lo, hi, base_i, rows_i};
      {beat2_q, which2_q} <= {beat_q, which_q};
    end
    for (genvar r = 0; r < MergeLanes; r++) begin : g_place
      // place r of a group: the lane of the beat that falls in it (at most one)
      logic take, take_q;
      logic [2:0] s3, s3_q;
      logic [GA:0] waddr, waddr_q;   // {bank, group}
      logic [GA:0] raddr;
      always_comb begin
        take = 1'b0;
        s3 = '0;
        waddr = '0;
        for (int g = 0; g < NG; g++) begin
          if (we_q && signed'(16'(g * MergeLanes + r)) >= lo_q && signed'(16'(g * MergeLanes + r)) < hi_q
              && 16'(g * MergeLanes + r) < rows_q) begin
            take = 1'b1;
            s3 = 3'(16'(g * MergeLanes + r) - base_q);
            waddr = {wbank_q, GA'(g)};
          end
        end
      end
      always_ff @(posedge clk_i) begin
        take_q <= take;
        s3_q <= s3;
        waddr_q <= waddr;
      end
      assign raddr = {rbank_i, group_i};
      logic [17:0] m1_mem [2 << GA];
      logic [17:0] m2_mem [2 << GA];
      logic [47:0] bias_mem [2 << GA];
      logic [15:0] tau_mem [2 << GA];
      logic neg_mem [2 << GA];
      always_ff @(posedge clk_i) begin
        if (take_q && which2_q == 3'd0) m1_mem[waddr_q] <= beat2_q[s3_q[0]*32 +: 18];
        if (take_q && which2_q == 3'd1) m2_mem[waddr_q] <= beat2_q[s3_q[0]*32 +: 18];
        if (take_q && which2_q == 3'd2) bias_mem[waddr_q] <= beat2_q[47:0];
        if (take_q && which2_q == 3'd3) tau_mem[waddr_q] <= beat2_q[s3_q[1:0]*16 +: 16];
        if (take_q && which2_q == 3'd4) neg_mem[waddr_q] <= beat2_q[s3_q*8];
      end
      assign m1_o[r*18 +: 18] = m1_mem[raddr];
      assign m2_o[r*18 +: 18] = m2_mem[raddr];
      assign bias_o[r*48 +: 48] = bias_mem[raddr];
      assign tau_o[r*16 +: 16] = tau_mem[raddr];
      assign neg_o[r] = neg_mem[raddr];
    end
  end else begin : g_ff
    // row g of bank b: the group's lanes, W bits each
    logic [MergeLanes*W-1:0] row_q [2][1 << GA];
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
  end
endmodule
