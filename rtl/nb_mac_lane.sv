// The int8 products of one fixed-point lane in one cycle: Macs signed bytes
// of the window word times Macs signed weight bytes, summed. Each product is
// 16 bits (one DSP48E2 multiplier), the sum of Macs of them 16 + log2(Macs)
// bits: the adder tree is no wider than its values. A module of its own so
// that its operands' switching is measured per lane (power report).
module nb_mac_lane #(
  parameter int Macs = 8
) (
  input  logic [Macs*8-1:0]  a_i,     // window bytes
  input  logic [Macs*8-1:0]  w_i,     // weight bytes
  output logic signed [31:0] psum_o
);
  localparam int SW = 16 + $clog2(Macs + 1);  // |sum| <= Macs * 2^14 (-128 * -128 at most)
  logic signed [15:0] prod [Macs];
  logic signed [SW-1:0] sum;
  always_comb begin
    for (int b = 0; b < Macs; b++) prod[b] = 16'(signed'(a_i[b*8 +: 8]) * signed'(w_i[b*8 +: 8]));
    sum = '0;
    for (int b = 0; b < Macs; b++) sum = sum + SW'(prod[b]);
    psum_o = 32'(sum);
  end
endmodule
