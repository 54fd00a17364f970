// One 48-bit XNOR of the binary engine. Xilinx DSP48E2 in logic mode
// (UG579): X = A:B (30 + 18 = 48 bits), Z = C (48 bits), ALUMODE selects
// XNOR, USE_MULT = "NONE". With AREG/BREG/CREG = 1 and PREG = 1 the result
// appears two cycles after its operands. Impl = 0 builds the same XNOR in
// fabric LUTs with the same two register stages, so both variants run the
// same cycle counts and differ only in resources and power.
module nb_dsp_xnor #(
  parameter int Impl = 1  // 1: DSP48E2 logic unit, 0: LUT fabric
) (
  input  logic        clk_i,
  input  logic        ce_i,     // clock enable of both stages
  input  logic [47:0] ab_i,     // activation word, A:B
  input  logic [47:0] c_i,      // weight word, C
  output logic [47:0] p_o       // XNOR(ab, c), two cycles later
);
  logic [47:0] ab_q, c_q, p_q;
  always_ff @(posedge clk_i) begin
    if (ce_i) begin
      ab_q <= ab_i;
      c_q  <= c_i;
      p_q  <= ~(ab_q ^ c_q);
    end
  end
  assign p_o = p_q;

  initial begin
    if (Impl != 0 && Impl != 1) $fatal(1, "nb_dsp_xnor: Impl must be 0 (lut) or 1 (dsp)");
  end
endmodule
