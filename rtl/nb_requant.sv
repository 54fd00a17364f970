// The merge unit's multiply-add of one lane: z = M1 * dot + M2 * acc + bias
// (DESIGN §4). A module of its own so that its operands' switching is
// measured per lane (power report). z fits ZBits (48): the compiler proves it,
// and the program reader refuses a program whose values could leave it.
module nb_requant (
  input  logic signed [nb_pkg::MBits-1:0]   m1_i,
  input  logic signed [nb_pkg::MBits-1:0]   m2_i,
  input  logic signed [nb_pkg::ZBits-1:0]   bias_i,
  input  logic signed [nb_pkg::DotBits-1:0] dot_i,   // 0 without a binary path
  input  logic signed [nb_pkg::AccBits-1:0] acc_i,
  output logic signed [nb_pkg::ZBits-1:0]   z_o
);
  /* verilator lint_off UNUSEDSIGNAL */  // the top bits of the 64-bit sum are sign copies
  logic signed [63:0] z;
  /* verilator lint_on UNUSEDSIGNAL */
  assign z = 64'(m1_i) * 64'(dot_i) + 64'(m2_i) * 64'(acc_i) + 64'(bias_i);
  assign z_o = z[nb_pkg::ZBits-1:0];
endmodule
