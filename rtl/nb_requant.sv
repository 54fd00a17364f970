// The merge unit's multiply-add of one lane: z = M1 * dot + M2 * acc + bias
// (DESIGN §4). A module of its own so that its operands' switching is
// measured per lane (power report). z fits 48 bits: the compiler proves it.
module nb_requant (
  input  logic signed [17:0] m1_i,
  input  logic signed [17:0] m2_i,
  input  logic signed [47:0] bias_i,
  input  logic signed [15:0] dot_i,   // 0 without a binary path
  input  logic signed [31:0] acc_i,
  output logic signed [47:0] z_o
);
  /* verilator lint_off UNUSEDSIGNAL */  // the top bits of the 64-bit sum are sign copies
  logic signed [63:0] z;
  /* verilator lint_on UNUSEDSIGNAL */
  assign z = 64'(m1_i) * 64'(dot_i) + 64'(m2_i) * 64'(acc_i) + 64'(bias_i);
  assign z_o = 48'(z);
endmodule
