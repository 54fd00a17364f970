// The banks of the two int8 activation buffers (ping-pong): each Banks
// one-byte-wide banks (byte u in bank u % Banks, row u / Banks; a bank of
// 2K bytes is one RAMB18), so that a run of up to Banks consecutive bytes at
// any address is one access. A layer reads one buffer and writes the other,
// and the loads and dumps around it use one buffer at a time, so the two
// share one read port (bank rows, the rotation of the banks' bytes into run
// order). The write port comes decoded per bank (nb_byte_wfront), once for
// every copy of the banks (position pairs keep two).
module nb_byte_banks #(
  parameter int Banks = 32,    // power of two
  parameter int Depth = 2048   // rows per bank, power of two
) (
  input  logic                   clk_i,
  input  logic                   re_i,
  input  logic                   rsel_i,     // buffer read
  /* verilator lint_off UNUSEDSIGNAL */  // addresses wrap at the buffer size: the top bits are not used
  input  logic [31:0]            raddr_i,    // byte address of the run's byte 0
  output logic [Banks*8-1:0]     rdata_o,    // the cycle after re_i; byte 0 in the low bits
  /* verilator lint_on UNUSEDSIGNAL */
  input  logic                   wsel_i,     // buffer written
  input  logic [Banks-1:0]       wen_i,      // nb_byte_wfront's decoded run
  input  logic [Banks*$clog2(Depth)-1:0] wrow_i,
  input  logic [Banks*8-1:0]     wbyte_i
);
  localparam int LB = $clog2(Banks);
  localparam int LD = $clog2(Depth);
  logic [LB-1:0] rrot_q;
  logic rsel_q;
  logic [Banks*8-1:0] rot0;        // the banks' read bytes, bank b at [b*8 +: 8]
  for (genvar b = 0; b < Banks; b++) begin : g_bank
    logic [LB-1:0] rk;             // which byte of the read run this bank serves
    logic [LD-1:0] rrow, wrow;     // that byte's row; the write's
    /* verilator lint_off UNUSEDSIGNAL */  // the bank bits of the sum are not used
    logic [LB+LD-1:0] ru;
    /* verilator lint_on UNUSEDSIGNAL */
    logic wen;
    logic [7:0] wbyte;
    assign rk = LB'(b) - raddr_i[LB-1:0];
    assign ru = raddr_i[LB+LD-1:0] + (LB+LD)'(rk);
    assign rrow = ru[LB +: LD];
    assign wen = wen_i[b];
    assign wrow = wrow_i[b*LD +: LD];
    assign wbyte = wbyte_i[b*8 +: 8];
    for (genvar i = 0; i < 2; i++) begin : g_buf
      logic [7:0] mem [Depth];
      logic [7:0] rd_q;            // the bank's read register
      always_ff @(posedge clk_i) begin
        if (re_i) rd_q <= mem[rrow];
        if (wen && wsel_i == i) mem[wrow] <= wbyte;
      end
    end
    assign rot0[b*8 +: 8] = rsel_q ? g_buf[1].rd_q : g_buf[0].rd_q;
  end
  always_ff @(posedge clk_i) begin
    if (re_i) begin
      rrot_q <= raddr_i[LB-1:0];
      rsel_q <= rsel_i;
    end
  end
  // Byte k of the run sits in bank (addr + k) % Banks: the banks' bytes
  // rotated right by addr % Banks, as a barrel shifter (log2(Banks) levels
  // of 2:1 multiplexers, not a Banks:1 multiplexer per byte).
  for (genvar l = 0; l < LB; l++) begin : g_rot
    logic [Banks*8-1:0] in, out;   // rotated by the low l bits of rrot_q, then by bit l
    if (l == 0) begin : g_first
      assign in = rot0;
    end else begin : g_next
      assign in = g_rot[l-1].out;
    end
    assign out = rrot_q[l] ? {in[(1 << l)*8 - 1:0], in[Banks*8 - 1:(1 << l)*8]} : in;
  end
  assign rdata_o = g_rot[LB-1].out;
  initial begin
    if ((1 << LB) != Banks) $fatal(1, "nb_byte_banks: Banks must be a power of two");
    if ((1 << LD) != Depth) $fatal(1, "nb_byte_banks: Depth must be a power of two");
  end
endmodule
