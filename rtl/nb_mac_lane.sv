// The int8 products of one fixed-point lane and its accumulator: a cascade
// of Macs DSP48E2 slices (UG579), no adder in fabric. Slice k multiplies
// byte k of the window word (A, sign-extended) by byte k of the weights
// (B) and adds the previous slice's sum from the P cascade (PCIN); the
// last slice also adds its own P, the window's accumulator. A word's bytes
// are skewed: slice k takes its byte k cycles after slice 0, so that the
// word's partial sum meets byte k in slice k. The window bytes come skewed
// already (nb_top delays them once for all lanes); this module delays its
// weight bytes, by max(k-1, 0) registers in fabric and one more in the
// slice (AREG = BREG = 2 for k >= 1, 1 for slice 0).
//
// Timing, a word beside its weights at cycle u (a_i byte 0, w_i):
//   slice k: product register M valid at u+k+2, P at u+k+3;
//   the last slice (K = Macs-1) adds at u+K+2; its OPMODE and C are
//   registered, so op_i / c_i are given at u+K+1 and P (acc_o) holds the
//   sum at u+K+3 = u+Macs+2 (nb_pkg::MacStages + Macs - 1 after u).
// mclr_i[k] clears slice k's product register (synchronous RSTM) on the
// cycle it would take a product of no word (a bubble), at u+k+1.
// The last slice's ALU (op_i, registered with c_i):
//   op_i[1] = 0: P = (op_i[0] ? P : 0) + M + PCIN     (a window word)
//   op_i[1] = 1: P = c + (op_i[0] ? P : 0)           (select / pool byte)
// Selecting P or 0 restarts the accumulator at a window's first word
// without a cycle of its own.
//
// Simulation runs the behavioural model below; synthesis (SYNTHESIS
// defined, as Yosys does) instantiates the slices, like nb_dsp_xnor.
module nb_mac_lane #(
  parameter int Macs = 8   // 1, 2, 4 or 8 slices
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  input  logic [Macs*8-1:0]      a_i,     // window bytes, byte k delayed max(k-1, 0) cycles
  input  logic [Macs*8-1:0]      w_i,     // weight bytes, not skewed
  input  logic [Macs-1:0]        mclr_i,  // slice k: no product this cycle
  input  logic [1:0]             op_i,    // the last slice's operation, next cycle
  input  logic signed [7:0]      c_i,     // the select / pool byte, with op_i
  output logic signed [31:0]     psum_o   // the accumulator (the last slice's P)
);
  localparam int K = Macs - 1;
  // The weights' skew in fabric: byte k through max(k-1, 0) registers.
  logic [Macs*8-1:0] w_s;
  nb_skew #(.N(Macs), .W(8), .Lead(1)) u_wskew (.clk_i, .rst_ni, .d_i(w_i), .q_o(w_s));

`ifdef SYNTHESIS
  logic [Macs*48-1:0] pc;   // the P cascade: slice k's PCOUT at [k*48 +: 48]
  logic [47:0] p_last;
  // OPMODE: W [8:7], Z [6:4], Y [3:2], X [1:0]; X = Y = 01: the product M
  logic [8:0] op_last;
  always_comb begin
    op_last = 9'b00_001_01_01;                            // P = M + PCIN
    if (Macs == 1) op_last[6:4] = 3'b000;                 // no cascade in
    if (op_i[1]) op_last = {2'b11, op_i[0] ? 3'b010 : 3'b000, 4'b0101};  // P = C + (P | 0) (+ M = 0)
    else if (op_i[0]) op_last[8:7] = 2'b01;               // + P
  end
  for (genvar k = 0; k < Macs; k++) begin : g_slice
    localparam int R = k == 0 ? 1 : 2;
    localparam bit Last = k == K;
    logic [47:0] p;
    DSP48E2 #(
      .USE_MULT("MULTIPLY"), .AMULTSEL("A"), .BMULTSEL("B"), .A_INPUT("DIRECT"), .B_INPUT("DIRECT"),
      .AREG(R), .ACASCREG(R), .BREG(R), .BCASCREG(R), .MREG(1), .PREG(1), .CREG(Last ? 1 : 0),
      .OPMODEREG(Last ? 1 : 0), .ADREG(0), .DREG(0), .INMODEREG(0), .ALUMODEREG(0), .CARRYINREG(0),
      .CARRYINSELREG(0)
    ) u_dsp (
      .CLK(clk_i),
      .A(30'(signed'(a_i[k*8 +: 8]))), .B(18'(signed'(w_s[k*8 +: 8]))),
      .C(Last ? 48'(c_i) : 48'd0), .D(27'd0),
      .OPMODE(Last ? op_last : (k == 0 ? 9'b00_000_01_01 : 9'b00_001_01_01)),
      .ALUMODE(4'b0000), .INMODE(5'd0), .CARRYIN(1'b0), .CARRYINSEL(3'd0),
      .CEA1(1'b1), .CEA2(1'b1), .CEB1(1'b1), .CEB2(1'b1), .CEC(Last), .CEP(1'b1), .CEM(1'b1),
      .CEAD(1'b0), .CED(1'b0), .CECTRL(Last), .CEINMODE(1'b0), .CEALUMODE(1'b0), .CECARRYIN(1'b0),
      .RSTA(1'b0), .RSTB(1'b0), .RSTC(1'b0), .RSTP(1'b0), .RSTM(mclr_i[k]), .RSTD(1'b0), .RSTCTRL(1'b0),
      .RSTINMODE(1'b0), .RSTALUMODE(1'b0), .RSTALLCARRYIN(1'b0),
      .ACIN(30'd0), .BCIN(18'd0), .PCIN(k == 0 ? 48'd0 : pc[(k == 0 ? 0 : k-1)*48 +: 48]), .CARRYCASCIN(1'b0),
      .MULTSIGNIN(1'b0), .PCOUT(pc[k*48 +: 48]), .P(p));
    if (Last) begin : g_out
      assign p_last = p;
    end
  end
  assign psum_o = signed'(p_last[31:0]);
`else
  // Behavioural model of the same registers, slice by slice (each slice's
  // registers its own variables, as in the primitive: Verilator updates
  // them in place rather than staging writes to arrays).
  logic signed [47:0] p_s [Macs];   // slice k's P (PCOUT)
  logic [1:0] op_q;
  logic signed [7:0] c_q;
  always_ff @(posedge clk_i) begin
    op_q <= op_i;
    c_q <= c_i;
  end
  for (genvar k = 0; k < Macs; k++) begin : g_slice
    logic signed [7:0] a1_q, b1_q, a_m, b_m;  // a_m, b_m: the multiplier's operands
    logic signed [15:0] m_q;
    logic signed [47:0] p_q, pcin;
    always_ff @(posedge clk_i) begin
      a1_q <= signed'(a_i[k*8 +: 8]);
      b1_q <= signed'(w_s[k*8 +: 8]);
    end
    if (k == 0) begin : g_reg1   // slice 0 has one operand register
      assign a_m = a1_q;
      assign b_m = b1_q;
      assign pcin = '0;
    end else begin : g_reg2      // the others two
      logic signed [7:0] a2_q, b2_q;
      always_ff @(posedge clk_i) begin
        a2_q <= a1_q;
        b2_q <= b1_q;
      end
      assign a_m = a2_q;
      assign b_m = b2_q;
      assign pcin = p_s[k-1];
    end
    always_ff @(posedge clk_i) begin
      m_q <= mclr_i[k] ? 16'sd0 : a_m * b_m;
      if (k < K) p_q <= 48'(m_q) + pcin;
      else if (op_q[1]) p_q <= 48'(c_q) + (op_q[0] ? p_q : 48'sd0);
      else p_q <= (op_q[0] ? p_q : 48'sd0) + 48'(m_q) + pcin;
    end
    assign p_s[k] = p_q;
  end
  assign psum_o = 32'(p_s[K]);
`endif
  initial if (Macs != 1 && Macs != 2 && Macs != 4 && Macs != 8) $fatal(1, "nb_mac_lane: Macs must be 1, 2, 4 or 8");
endmodule
