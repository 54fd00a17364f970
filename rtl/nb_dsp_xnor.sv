// One 48-bit XNOR of the binary engine. Xilinx DSP48E2 in logic mode
// (UG579): X = A:B (30 + 18 = 48 bits), Z = C (48 bits), ALUMODE selects
// XNOR, USE_MULT = "NONE". With AREG/BREG/CREG = 1 and PREG = 1 the result
// appears two cycles after its operands. Impl = 0 builds the same XNOR in
// fabric LUTs with the same two register stages, so both variants run the
// same cycle counts and differ only in resources and power. Simulation runs
// the behavioural model of both; synthesis (SYNTHESIS defined, as Yosys
// does) instantiates the DSP48E2 primitive for Impl = 1.
module nb_dsp_xnor #(
  parameter int Impl = 1,  // 1: DSP48E2 logic unit, 0: LUT fabric
  parameter int CReg = 1   // 0: c_i comes from a register already (a memory's read register)
) (
  input  logic        clk_i,
  input  logic        ce_i,     // clock enable of both stages
  input  logic [47:0] ab_i,     // activation word, A:B
  input  logic [47:0] c_i,      // weight word, C
  output logic [47:0] p_o       // XNOR(ab, c), two cycles later
);
`ifdef SYNTHESIS
  if (Impl == 1) begin : g_dsp
    // The slice itself for synthesis: the logic unit computes X XNOR Z with
    // X = A:B (OPMODE[1:0] = 11), Y = 0 (OPMODE[3:2] = 00), Z = C
    // (OPMODE[6:4] = 011), W = 0 and ALUMODE = 0101 (UG579, logic unit).
    DSP48E2 #(
      .USE_MULT("NONE"), .AREG(1), .ACASCREG(1), .BREG(1), .BCASCREG(1), .CREG(CReg), .PREG(1), .MREG(0),
      .ADREG(0), .DREG(0), .INMODEREG(0), .OPMODEREG(0), .ALUMODEREG(0), .CARRYINREG(0), .CARRYINSELREG(0)
    ) u_dsp (
      .CLK(clk_i), .A(ab_i[47:18]), .B(ab_i[17:0]), .C(c_i), .D(27'd0), .P(p_o),
      .OPMODE(9'b00_011_00_11), .ALUMODE(4'b0101), .INMODE(5'd0), .CARRYIN(1'b0), .CARRYINSEL(3'd0),
      .CEA1(1'b0), .CEA2(ce_i), .CEB1(1'b0), .CEB2(ce_i), .CEC(ce_i), .CEP(ce_i), .CEM(1'b0), .CEAD(1'b0),
      .CED(1'b0), .CECTRL(1'b0), .CEINMODE(1'b0), .CEALUMODE(1'b0), .CECARRYIN(1'b0),
      .RSTA(1'b0), .RSTB(1'b0), .RSTC(1'b0), .RSTP(1'b0), .RSTM(1'b0), .RSTD(1'b0), .RSTCTRL(1'b0),
      .RSTINMODE(1'b0), .RSTALUMODE(1'b0), .RSTALLCARRYIN(1'b0),
      .ACIN(30'd0), .BCIN(18'd0), .PCIN(48'd0), .CARRYCASCIN(1'b0), .MULTSIGNIN(1'b0));
  end else begin : g_lut
`else
  begin : g_model
`endif
    logic [47:0] ab_q, c_s, p_q;
    always_ff @(posedge clk_i) begin
      if (ce_i) begin
        ab_q <= ab_i;
        p_q  <= ~(ab_q ^ c_s);
      end
    end
    if (CReg == 1) begin : g_creg
      logic [47:0] c_q;
      always_ff @(posedge clk_i) if (ce_i) c_q <= c_i;
      assign c_s = c_q;
    end else begin : g_no_creg
      assign c_s = c_i;
    end
    assign p_o = p_q;
  end

  initial begin
    if (Impl != 0 && Impl != 1) $fatal(1, "nb_dsp_xnor: Impl must be 0 (lut) or 1 (dsp)");
    if (CReg != 0 && CReg != 1) $fatal(1, "nb_dsp_xnor: CReg must be 0 or 1");
  end
endmodule
