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
// groups entries and 8 token rows, one write port addressed by that place's lane, written
// two cycles after the beat arrives, read asynchronously at the merge's group: no multiplexer over
// the groups; a tile's parameters are in place long before its first merge);
// smaller merges keep the rows in flip-flops.
//
// Token mixing: a token-mixing layer's parameters are per position, the
// same for every lane. nb_top writes them, four positions ahead of the
// merge, into a ring of 8 token rows of every place at once (tok_we_i: M1, M2,
// bias, tau and neg of one position, landing two cycles later like a
// load's); with tok_i the merge reads token row tok_rrow_i instead of its
// group. The token values enter the places' existing write path (bias and
// tau through the shared beat register, M1, M2 and neg as one more input
// of the slot multiplexers), so the merge units have no multiplexer of
// their own between the two kinds of parameters. (The flip-flop variant,
// below 8 merge units, keeps the ring in flip-flops and selects at each
// unit.) No load writes the
// parameters while a token-mixing layer computes (the tile loader skips
// them; an assertion checks it).
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
  // token mixing: the ring of token rows
  input  logic                         tok_i,       // the merge reads token row tok_rrow_i
  input  logic [2:0]                   tok_rrow_i,
  input  logic                         tok_we_i,    // write token row tok_wrow_i of every place
  input  logic [2:0]                   tok_wrow_i,
  input  logic signed [17:0]           tok_m1_i,
  input  logic signed [17:0]           tok_m2_i,
  input  logic signed [47:0]           tok_bias_i,
  input  logic signed [15:0]           tok_tau_i,
  input  logic                         tok_neg_i,
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
    // A token write is `which` 7: bias in the beat's bits 47:0, tau in
    // slot 3 (63:48), M1, M2 and neg beside it.
    localparam int RA = (GA + 1 > 3 ? GA + 1 : 3) + 1;   // {token, row}
    logic [63:0] beat_q, beat2_q;
    logic [2:0] which_q, which2_q;
    logic we_q, wbank_q;
    logic signed [15:0] lo_q, hi_q, base_q;
    logic [15:0] rows_q;
    logic [2:0] trow_q;
    logic [36:0] tok_q, tok2_q;    // {M1, M2, neg}
    always_ff @(posedge clk_i) begin
      {beat_q, which_q, we_q, wbank_q, lo_q, hi_q, base_q, rows_q} <=
        {tok_we_i ? {tok_tau_i, tok_bias_i} : beat_i, tok_we_i ? 3'd7 : which_i, we_i || tok_we_i, wbank_i, lo, hi,
         base_i, rows_i};
      trow_q <= tok_wrow_i;
      tok_q <= {tok_m1_i, tok_m2_i, tok_neg_i};
      {beat2_q, which2_q, tok2_q} <= {beat_q, which_q, tok_q};
    end
    for (genvar r = 0; r < MergeLanes; r++) begin : g_place
      // place r of a group: the lane of the beat that falls in it (at most one)
      logic take, take_q;
      logic [2:0] s3, s3_q;
      logic [RA-1:0] waddr, waddr_q;   // {0, bank, group} or {1, token row}
      logic [RA-1:0] raddr;
      always_comb begin
        take = 1'b0;
        s3 = '0;
        waddr = '0;
        if (we_q && which_q == 3'd7) begin  // a token row, every place
          take = 1'b1;
          s3 = 3'd3;
          waddr = {1'b1, (RA-1)'(trow_q)};
        end else for (int g = 0; g < NG; g++) begin
          if (we_q && signed'(16'(g * MergeLanes + r)) >= lo_q && signed'(16'(g * MergeLanes + r)) < hi_q
              && 16'(g * MergeLanes + r) < rows_q) begin
            take = 1'b1;
            s3 = 3'(16'(g * MergeLanes + r) - base_q);
            waddr = {1'b0, (RA-1)'({wbank_q, GA'(g)})};
          end
        end
      end
      always_ff @(posedge clk_i) begin
        take_q <= take;
        s3_q <= s3;
        waddr_q <= waddr;
      end
      assign raddr = tok_i ? {1'b1, (RA-1)'(tok_rrow_i)} : {1'b0, (RA-1)'({rbank_i, group_i})};
      logic tw;
      assign tw = which2_q == 3'd7;
      logic [17:0] m1_mem [1 << RA];
      logic [17:0] m2_mem [1 << RA];
      logic [47:0] bias_mem [1 << RA];
      logic [15:0] tau_mem [1 << RA];
      logic neg_mem [1 << RA];
      always_ff @(posedge clk_i) begin
        if (take_q && (which2_q == 3'd0 || tw)) m1_mem[waddr_q] <= tw ? tok2_q[36:19] : beat2_q[s3_q[0]*32 +: 18];
        if (take_q && (which2_q == 3'd1 || tw)) m2_mem[waddr_q] <= tw ? tok2_q[18:1] : beat2_q[s3_q[0]*32 +: 18];
        if (take_q && (which2_q == 3'd2 || tw)) bias_mem[waddr_q] <= beat2_q[47:0];
        if (take_q && (which2_q == 3'd3 || tw)) tau_mem[waddr_q] <= beat2_q[s3_q[1:0]*16 +: 16];
        if (take_q && (which2_q == 3'd4 || tw)) neg_mem[waddr_q] <= tw ? tok2_q[0] : beat2_q[s3_q*8];
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
    // the token rows (flip-flops, written two cycles late as above)
    logic [W-1:0] trow_q [8];
    logic [W-1:0] tok_q, tok2_q;
    logic tw_q, tw2_q;
    logic [2:0] trw_q, trw2_q;
    always_ff @(posedge clk_i) begin
      {tw_q, trw_q, tok_q} <= {tok_we_i, tok_wrow_i, tok_m1_i, tok_m2_i, tok_bias_i, tok_tau_i, tok_neg_i};
      {tw2_q, trw2_q, tok2_q} <= {tw_q, trw_q, tok_q};
      if (tw2_q) trow_q[trw2_q] <= tok2_q;
    end
    logic [MergeLanes*W-1:0] row;
    assign row = row_q[rbank_i][group_i];
    logic [W-1:0] trow;
    assign trow = trow_q[tok_rrow_i];
    always_comb begin
      for (int r = 0; r < MergeLanes; r++) begin
        m1_o[r*18 +: 18] = tok_i ? trow[W-1 -: 18] : row[r*W + W-1 -: 18];
        m2_o[r*18 +: 18] = tok_i ? trow[W-19 -: 18] : row[r*W + W-19 -: 18];
        bias_o[r*48 +: 48] = tok_i ? trow[W-37 -: 48] : row[r*W + W-37 -: 48];
        tau_o[r*16 +: 16] = tok_i ? trow[W-85 -: 16] : row[r*W + W-85 -: 16];
        neg_o[r] = tok_i ? trow[0] : row[r*W];
      end
    end
  end
endmodule
