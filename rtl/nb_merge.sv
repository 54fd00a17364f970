// Merge / requantize: MergeLanes units (nb_requant) shared by the lanes. The
// window at the FIFOs' head (every lane's dot and acc) is merged one group
// of MergeLanes lanes per cycle, as many groups as the tile has rows
// (rows_i), and leaves the FIFOs with its last group: win_ready_o is high in
// the cycle of that group, and the window is taken when valid and ready.
//
//   stage 1 (the cycle the group is taken): z = M1 * dot + M2 * acc + bias,
//     with the group's parameters (grp_o selects them in nb_lane_params);
//   stage 2 (z_valid_o): round and shift, (z + 2^(sh-1)) >> sh; z_row_o is
//     the group's z (the logits keep it);
//   stage 3 (y_valid_o, not for the logits): saturate, relu, and the bit
//     for the next layer from its tau / neg; the group's bytes, bits and
//     mask (lanes past rows_i off) at element address y_addr_o.
//
// The output address counts positions: tile_start_i sets it to tile_base_i
// (the tile's first channel) and each window's last group steps it by
// win_step_i (the output position pitch, two positions in position pairs).
module nb_merge #(
  parameter int Lanes = 32,
  parameter int MergeLanes = 8,
  localparam int NG = Lanes / MergeLanes,   // lane groups, one per cycle
  localparam int GA = NG > 1 ? $clog2(NG) : 1,
  localparam int TL = Lanes > 1 ? $clog2(Lanes) : 1
) (
  input  logic                        clk_i,
  input  logic                        rst_ni,
  // the window at the FIFOs' head
  input  logic                        win_valid_i,
  output logic                        win_ready_o,   // its last group is merged this cycle
  input  logic [Lanes*16-1:0]         dots_i,        // lane l at [l*16 +: 16]
  input  logic [Lanes*32-1:0]         accs_i,        // lane l at [l*32 +: 32]
  // the layer and tile
  input  logic [15:0]                 rows_i,        // lanes merged per window (both halves in position pairs)
  input  logic                        pair_i,        // position pairs: lane l + Lanes/2 takes lane l's parameters
  input  logic                        use_bin_i,     // the layer has a binary path (else dot = 0)
  input  logic                        relu_i,
  input  logic                        logits_i,      // keep z (stage 2), write no outputs
  input  logic [5:0]                  sh_i,
  input  logic                        tile_start_i,
  input  logic [31:0]                 tile_base_i,
  input  logic [31:0]                 win_step_i,
  // the group's parameters (nb_lane_params, group grp_o)
  output logic [GA-1:0]               grp_o,
  input  logic [MergeLanes*18-1:0]    m1_i,
  input  logic [MergeLanes*18-1:0]    m2_i,
  input  logic [MergeLanes*48-1:0]    bias_i,
  input  logic [MergeLanes*16-1:0]    ntau_i,
  input  logic [MergeLanes-1:0]       nneg_i,
  // stage 2
  output logic                        z_valid_o,
  output logic [MergeLanes*48-1:0]    z_row_o,
  // stage 3
  output logic                        y_valid_o,
  output logic [31:0]                 y_addr_o,
  output logic [TL-1:0]               y_lane_o,      // the group's first lane
  output logic                        y_last_o,      // a window's last group
  output logic [MergeLanes*8-1:0]     y_bytes_o,
  output logic [MergeLanes-1:0]       y_bits_o,
  output logic [MergeLanes-1:0]       y_mask_o
);
  logic take;                       // a group is merged this cycle
  logic last;                       // it is its window's last
  logic [GA-1:0] mgrp_q;            // the group being merged
  logic [GA-1:0] pgrp_q;            // its parameters' group
  logic [15:0] mlane_q;             // its first lane: mgrp_q * MergeLanes, counted
  logic mv_q;                       // stage 2 valid
  logic mv_last_q;                  // stage 2 holds a window's last group
  logic [15:0] mv_lane_q;           // stage 2's first lane
  logic [31:0] wptr_q;              // where stage 2's window goes: position * pitch + tile
  logic [47:0] rnd_q;               // 2^(sh-1), the rounding constant, a register
  logic wv_q;                       // stage 3 valid
  logic wlast_q;
  logic [TL-1:0] wlane_q;
  logic [31:0] waddr_q;
  logic signed [47:0] z_q [MergeLanes];
  logic signed [15:0] ntau_s_q [MergeLanes];
  logic nneg_s_q [MergeLanes];

  assign take = win_valid_i;
  assign last = mlane_q + 16'(MergeLanes) >= rows_i;
  assign win_ready_o = last;
  assign grp_o = pgrp_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      mgrp_q <= '0;
      pgrp_q <= '0;
      mlane_q <= '0;
      mv_q <= 1'b0;
      mv_last_q <= 1'b0;
      mv_lane_q <= '0;
      wv_q <= 1'b0;
      wptr_q <= '0;
    end else begin
      mv_q <= take;
      wv_q <= mv_q && !logits_i;
      if (take) begin
        mv_last_q <= last;
        mv_lane_q <= mlane_q;
        mgrp_q <= last ? '0 : mgrp_q + 1'b1;
        pgrp_q <= (last || (pair_i && 32'(pgrp_q) + 1 == NG / 2)) ? '0 : pgrp_q + 1'b1;
        mlane_q <= last ? 16'd0 : mlane_q + 16'(MergeLanes);
      end
      if (tile_start_i) wptr_q <= tile_base_i;
      else if (mv_q && !logits_i && mv_last_q) wptr_q <= wptr_q + win_step_i;
    end
  end
  always_ff @(posedge clk_i) begin
    rnd_q <= 48'd1 << (sh_i - 6'd1);
    if (mv_q) begin
      waddr_q <= wptr_q + 32'(mv_lane_q);
      wlane_q <= TL'(mv_lane_q);
      wlast_q <= mv_last_q;
    end
  end

  for (genvar r = 0; r < MergeLanes; r++) begin : g_merge
    logic signed [47:0] z;
    // lane mgrp_q * MergeLanes + r of the FIFO heads: a mux over the groups
    logic signed [15:0] dot_g;
    logic signed [31:0] acc_g;
    always_comb begin
      dot_g = '0;
      acc_g = '0;
      for (int g = 0; g < NG; g++)
        if (32'(mgrp_q) == g) begin
          dot_g = signed'(dots_i[(g*MergeLanes + r)*16 +: 16]);
          acc_g = signed'(accs_i[(g*MergeLanes + r)*32 +: 32]);
        end
    end
    logic signed [17:0] m1_r, m2_r;
    logic signed [47:0] bias_r;
    assign m1_r = m1_i[r*18 +: 18];
    assign m2_r = m2_i[r*18 +: 18];
    assign bias_r = bias_i[r*48 +: 48];
    nb_requant u_rq (.m1_i(m1_r), .m2_i(m2_r), .bias_i(bias_r),
                     .dot_i(use_bin_i ? dot_g : 16'sd0), .acc_i(acc_g), .z_o(z));
    // stage 2: round and shift; stage 3: saturate, relu, binarize
    logic signed [48:0] t_q;
    logic signed [15:0] wtau_q;
    logic wneg_q;
    logic signed [7:0] y;
    always_comb begin
      // relu first, on t (saturation keeps the sign): Verilator 5.006's
      // line coverage never counted the branch of `if (y < 0) y = 0` after
      // the saturation (it tests the condition again after the assignment)
      if (relu_i && t_q < 0) y = 8'sd0;
      else if (t_q > 49'sd127) y = 8'sd127;
      else if (t_q < -49'sd128) y = -8'sd128;
      else y = 8'(t_q);
    end
    always_ff @(posedge clk_i) begin
      if (take) begin
        z_q[r] <= z;
        ntau_s_q[r] <= signed'(ntau_i[r*16 +: 16]);
        nneg_s_q[r] <= nneg_i[r];
      end
      if (mv_q) begin
        t_q <= (49'(z_q[r]) + signed'({1'b0, rnd_q})) >>> sh_i;
        wtau_q <= ntau_s_q[r];
        wneg_q <= nneg_s_q[r];
        y_mask_o[r] <= mv_lane_q + 16'(r) < rows_i;
      end
    end
    assign y_bytes_o[r*8 +: 8] = y;
    assign y_bits_o[r] = (16'(y) >= wtau_q) ^ wneg_q;
    assign z_row_o[r*48 +: 48] = z_q[r];
  end

  assign z_valid_o = mv_q;
  assign y_valid_o = wv_q;
  assign y_addr_o = waddr_q;
  assign y_lane_o = wlane_q;
  assign y_last_o = wlast_q;

`ifndef SYNTHESIS
  // valid / ready: a window offered stays offered, unchanged, until taken
  logic held_q;
  logic [Lanes*16-1:0] dots_q;
  logic [Lanes*32-1:0] accs_q;
  // held_q is reset: after a reset no window is held (random initial
  // values would otherwise fire the first check)
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) held_q <= 1'b0;
    else held_q <= win_valid_i && !win_ready_o;
  end
  always_ff @(posedge clk_i) begin
    dots_q <= dots_i;
    accs_q <= accs_i;
    if (rst_ni) begin
      assert (!(held_q && !win_valid_i)) else $error("nb_merge: a window withdrawn before its last group");
      assert (!(held_q && (accs_i != accs_q || (use_bin_i && dots_i != dots_q))))
        else $error("nb_merge: the window at the head changed before its last group");
      assert (!(win_valid_i && mlane_q >= rows_i)) else $error("nb_merge: a group past the tile's rows");
      assert (!(win_valid_i && 32'(mlane_q) != 32'(mgrp_q) * MergeLanes))
        else $error("nb_merge: the group's lane counter disagrees with the group");
      assert (!(tile_start_i && (win_valid_i || mv_q))) else $error("nb_merge: a tile starts with a window in the merge");
    end
  end
`endif
endmodule
