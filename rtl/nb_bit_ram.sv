// Bit-packed activation buffer in block RAM. NW banks of 64-bit words (word
// w in bank w % NW, row w / NW), each a simple dual-port memory with a
// registered read: the shape of a RAMB36 in 512 x 72 mode.
// - Read: a run of U bits at any bit address, two cycles after re_i
//   (nb_pkg::BitReadStages): the NW banks read the words the run touches, a
//   rotation puts them in order and a shift by the address's bit offset
//   takes the run into the output register.
// - Write: a run of up to WMax bits (<= 64) at any bit address, under a bit
//   mask. Block RAM has no bit enables, so the write is a read-modify-write:
//   the words are read the cycle of we_i and written back, merged, the cycle
//   after; a write-back the cycle before is forwarded (the RAM reads the old
//   word at the edge it is written). Reads and writes of one buffer never
//   overlap (a layer reads one buffer and writes the other).
module nb_bit_ram #(
  parameter int Bits = 65536,  // capacity, a multiple of 64 * NW
  parameter int U = 48,        // bits of a read run
  parameter int WMax = 32      // bits of a write run, at most 64
) (
  input  logic              clk_i,
  input  logic              re_i,
  /* verilator lint_off UNUSEDSIGNAL */  // addresses wrap at the buffer size: the top bits are not used
  input  logic [31:0]       raddr_i,     // bit address of the run's bit 0
  output logic [U-1:0]      rdata_o,     // two cycles after re_i
  input  logic              we_i,
  input  logic [31:0]       waddr_i,
  /* verilator lint_on UNUSEDSIGNAL */
  input  logic [WMax-1:0]   wdata_i,
  input  logic [WMax-1:0]   wmask_i      // bit k written when wmask_i[k]
);
  // Words a run can touch: 2 for up to 65 bits, 4 for up to 193.
  localparam int NW = (U + 63 + 63) / 64 <= 2 ? 2 : 4;
  localparam int WA = $clog2(NW);
  localparam int Rows = Bits / 64 / NW;
  localparam int RA = $clog2(Rows);
  localparam int AW = RA + WA;  // word address bits

  logic [AW-1:0] rw0, ww0, w0;   // first word of the read run, of the write run, of this cycle's access
  assign rw0 = raddr_i[6 +: AW];
  assign ww0 = waddr_i[6 +: AW];
  assign w0 = re_i ? rw0 : ww0;

  logic [63:0] rd_q [NW];
  logic [RA-1:0] row [NW];
  // the write-back of the cycle before: its banks, rows and words (forwarding)
  logic [NW-1:0] wb_en, fwd_v_q;
  logic [RA-1:0] wb_row [NW];
  logic [63:0] wb_word [NW];
  logic [RA-1:0] fwd_row_q [NW];
  logic [63:0] fwd_word_q [NW];
  for (genvar b = 0; b < NW; b++) begin : g_bank
    logic [63:0] mem [Rows];
    logic [WA-1:0] k;   // which word of the run this bank holds
    /* verilator lint_off UNUSEDSIGNAL */  // the low bits of the word address are the bank
    logic [AW-1:0] wa;
    /* verilator lint_on UNUSEDSIGNAL */
    assign k = WA'(b) - w0[WA-1:0];
    assign wa = w0 + AW'(k);
    assign row[b] = wa[WA +: RA];
    always_ff @(posedge clk_i) begin
      if (re_i || we_i) rd_q[b] <= mem[row[b]];
      if (wb_en[b]) mem[wb_row[b]] <= wb_word[b];
      fwd_v_q[b] <= wb_en[b];
      fwd_row_q[b] <= wb_row[b];
      fwd_word_q[b] <= wb_word[b];
    end
  end

  // ---- read: rotate the banks' words into run order, shift by the bit offset
  logic [WA-1:0] rrot_q;
  logic [5:0] rsh_q;
  always_ff @(posedge clk_i) begin
    if (re_i) begin
      rrot_q <= rw0[WA-1:0];
      rsh_q <= raddr_i[5:0];
    end
  end
  logic [NW*64-1:0] rrun;
  always_comb for (int k = 0; k < NW; k++) rrun[k*64 +: 64] = rd_q[WA'(k) + rrot_q];
  // the run in a register: the block RAM's clock-to-out, the rotation and
  // the shift are one cycle, the reader's masking and packing the next
  logic rv_q;
  logic [U-1:0] rdata_q;
  always_ff @(posedge clk_i) begin
    rv_q <= re_i;
    if (rv_q) rdata_q <= U'(rrun >> rsh_q);
  end
  assign rdata_o = rdata_q;

  // ---- write: read-modify-write of the (at most) two words the run touches
  logic wv_q;
  logic [WA-1:0] wrot_q;
  logic [5:0] wsh_q;
  logic [WMax-1:0] wdata_q, wmask_q;
  logic [RA-1:0] wrow_q [NW];
  always_ff @(posedge clk_i) begin
    wv_q <= we_i && !re_i;
    if (we_i) begin
      wrot_q <= ww0[WA-1:0];
      wsh_q <= waddr_i[5:0];
      wdata_q <= wdata_i;
      wmask_q <= wmask_i;
      for (int b = 0; b < NW; b++) wrow_q[b] <= row[b];
    end
  end
  logic [63:0] old_w [NW];    // each bank's word as it is now (forwarded)
  logic [127:0] old2, new2, m2, d2;
  always_comb begin
    for (int b = 0; b < NW; b++)
      old_w[b] = (fwd_v_q[b] && fwd_row_q[b] == wrow_q[b]) ? fwd_word_q[b] : rd_q[b];
    old2 = {old_w[wrot_q + WA'(1)], old_w[wrot_q]};
    m2 = 128'(wmask_q) << wsh_q;
    d2 = 128'(WMax'(wdata_q & wmask_q)) << wsh_q;
    new2 = (old2 & ~m2) | d2;
    for (int b = 0; b < NW; b++) begin
      wb_en[b] = 1'b0;
      wb_row[b] = wrow_q[b];
      wb_word[b] = new2[63:0];
      if (wv_q && WA'(b) == wrot_q) begin
        wb_en[b] = 1'b1;
        wb_word[b] = new2[63:0];
      end else if (wv_q && WA'(b) == wrot_q + WA'(1)) begin
        wb_en[b] = |m2[127:64];
        wb_word[b] = new2[127:64];
      end
    end
  end

  initial begin
    if (WMax > 64) $fatal(1, "nb_bit_ram: WMax must be at most 64");
    if (Bits % (64 * NW) != 0 || (1 << RA) != Rows) $fatal(1, "nb_bit_ram: Bits must be 64 * %0d times a power of two", NW);
    if (U > NW * 64 - 63) $fatal(1, "nb_bit_ram: a read run of %0d bits needs more banks", U);
  end
`ifndef SYNTHESIS
  always_ff @(posedge clk_i) assert (!(re_i && we_i)) else $error("nb_bit_ram: read and write in one cycle");
  // a write's first word forwarded from the write-back of the cycle before
  always_ff @(posedge clk_i) c_forward: cover (wv_q && fwd_v_q[wrot_q] && fwd_row_q[wrot_q] == wrow_q[wrot_q]);
`endif
endmodule
