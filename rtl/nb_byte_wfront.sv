// The write port of the int8 buffers, decoded once for every copy of the
// banks (nb_byte_banks): a run of up to WUnits bytes at any byte address
// goes to banks (addr + k) % Banks. The run (zero-extended to Banks bytes)
// and its mask are rotated left by addr % Banks as a barrel shifter
// (log2(Banks) levels of 2:1 multiplexers, narrow in the first levels);
// a run starting at bank lo of row r writes row r in banks lo.. and row
// r + 1 in banks ..lo-1, so each bank picks one of two shared rows (one
// incrementer, no adder per bank). Combinational: the caller registers the
// port (nb_top's byte_*_q).
module nb_byte_wfront #(
  parameter int Banks = 32,    // power of two
  parameter int Depth = 2048,  // rows per bank, power of two
  parameter int WUnits = 8     // bytes of a write run, at most Banks
) (
  input  logic                         we_i,
  /* verilator lint_off UNUSEDSIGNAL */  // addresses wrap at the buffer size: the top bits are not used
  input  logic [31:0]                  waddr_i,
  /* verilator lint_on UNUSEDSIGNAL */
  input  logic [WUnits*8-1:0]          wdata_i,
  input  logic [WUnits-1:0]            wmask_i,   // byte k written when wmask_i[k]
  output logic [Banks-1:0]             wen_o,     // bank b written
  output logic [Banks*$clog2(Depth)-1:0] wrow_o,  // at row [b*LD +: LD]
  output logic [Banks*8-1:0]           wbyte_o    // with byte [b*8 +: 8]
);
  localparam int LB = $clog2(Banks);
  localparam int LD = $clog2(Depth);
  logic [LB-1:0] lo;
  logic [LD-1:0] row0, row1;
  assign lo = waddr_i[LB-1:0];
  assign row0 = waddr_i[LB +: LD];
  assign row1 = row0 + LD'(1);
  // level l rotates by bit l of lo
  for (genvar l = 0; l < LB; l++) begin : g_rot
    localparam int S = 1 << l;
    logic [Banks*8-1:0] din, dout;
    logic [Banks-1:0] min, mout;
    if (l == 0) begin : g_first
      assign din = (Banks*8)'(wdata_i);
      assign min = Banks'(wmask_i);
    end else begin : g_next
      assign din = g_rot[l-1].dout;
      assign min = g_rot[l-1].mout;
    end
    assign dout = lo[l] ? {din[(Banks-S)*8-1:0], din[Banks*8-1 -: S*8]} : din;
    assign mout = lo[l] ? {min[Banks-S-1:0], min[Banks-1 -: S]} : min;
  end
  assign wbyte_o = g_rot[LB-1].dout;
  assign wen_o = we_i ? g_rot[LB-1].mout : '0;
  for (genvar b = 0; b < Banks; b++) begin : g_row
    if (b == Banks - 1) begin : g_top  // never below the run's first bank
      assign wrow_o[b*LD +: LD] = row0;
    end else begin : g_cmp
      assign wrow_o[b*LD +: LD] = LB'(b) < lo ? row1 : row0;
    end
  end
  initial begin
    if ((1 << LB) != Banks) $fatal(1, "nb_byte_wfront: Banks must be a power of two");
    if ((1 << LD) != Depth) $fatal(1, "nb_byte_wfront: Depth must be a power of two");
    if (WUnits > Banks) $fatal(1, "nb_byte_wfront: WUnits must be at most Banks");
  end
endmodule
