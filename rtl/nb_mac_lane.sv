// The int8 products of one fixed-point lane in one cycle: Macs signed bytes
// of the window word times Macs signed weight bytes, summed. A module of its
// own so that its operands' switching is measured per lane (power report).
module nb_mac_lane #(
  parameter int Macs = 8
) (
  input  logic [Macs*8-1:0]  a_i,     // window bytes
  input  logic [Macs*8-1:0]  w_i,     // weight bytes
  output logic signed [31:0] psum_o
);
  always_comb begin
    psum_o = '0;
    for (int b = 0; b < Macs; b++)
      psum_o = psum_o + 32'(signed'(a_i[b*8 +: 8])) * 32'(signed'(w_i[b*8 +: 8]));
  end
endmodule
