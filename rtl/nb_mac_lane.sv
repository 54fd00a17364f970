// The int8 products of one fixed-point lane in one cycle: Macs signed bytes
// of the window word times Macs signed weight bytes, summed. Each product is
// 16 bits (one DSP48E2 multiplier); their sum is a balanced tree of
// two-input adders (carry chains) no wider than its values. The products and
// the tree's levels are kept apart: merged into one multiply-accumulate,
// synthesis builds a carry-save tree in LUTs twice the size. A module of its
// own so that its operands' switching is measured per lane (power report).
module nb_mac_lane #(
  parameter int Macs = 8   // 1, 2, 4 or 8
) (
  input  logic [Macs*8-1:0]  a_i,     // window bytes
  input  logic [Macs*8-1:0]  w_i,     // weight bytes
  output logic signed [31:0] psum_o
);
  localparam int SW = 16 + $clog2(Macs + 1);  // |sum| <= Macs * 2^14 (-128 * -128 at most)
  // levels of the tree: 8 leaves (the products, 0 past Macs), 4, 2, 1 sums
  (* keep *) logic signed [SW-1:0] l0 [8];
  (* keep *) logic signed [SW-1:0] l1 [4];
  (* keep *) logic signed [SW-1:0] l2 [2];
  (* keep *) logic signed [SW-1:0] l3;
  always_comb begin
    for (int b = 0; b < 8; b++)
      l0[b] = b < Macs ? SW'(16'(signed'(a_i[(b % Macs)*8 +: 8]) * signed'(w_i[(b % Macs)*8 +: 8]))) : '0;
  end
  always_comb for (int i = 0; i < 4; i++) l1[i] = l0[2*i] + l0[2*i + 1];
  always_comb for (int i = 0; i < 2; i++) l2[i] = l1[2*i] + l1[2*i + 1];
  assign l3 = l2[0] + l2[1];
  assign psum_o = 32'(l3);
  initial if (Macs != 1 && Macs != 2 && Macs != 4 && Macs != 8) $fatal(1, "nb_mac_lane: Macs must be 1, 2, 4 or 8");
endmodule
